import type { Clock, TimerHandle } from '../../../bmc-adapters/ipmi/session/clock.ts';

/** Deterministic clock: timers fire only inside advance(), in due order, with promise turns between. */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return { cancel: () => (timer.live = false) };
  }

  pending(): number {
    return this.timers.filter((x) => x.live).length;
  }

  /** Lets every queued promise continuation run (several macrotask turns). */
  static async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Moves time forward by `ms`, firing due timers one by one. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await FakeClock.settle();
    for (;;) {
      this.timers = this.timers.filter((x) => x.live);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.t = next.at;
      next.live = false;
      next.fn();
      await FakeClock.settle();
    }
    this.t = end;
    await FakeClock.settle();
  }

  /** Advances in steps until `done()` or `maxMs` of fake time passed. */
  async runUntil(done: () => boolean, maxMs = 60000, stepMs = 50): Promise<void> {
    for (let spent = 0; !done(); spent += stepMs) {
      if (spent > maxMs) throw new Error(`condition not met within ${maxMs} fake ms`);
      await this.advance(stepMs);
    }
  }
}
