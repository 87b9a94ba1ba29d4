/**
 * Time source for everything that waits (task polling, Retry-After, power
 * state). Tests inject a fake one so no test sleeps.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** A clock whose sleep advances time instantly; records every wait. */
export class FakeClock implements Clock {
  t: number;
  readonly waits: number[] = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.waits.push(ms);
    this.t += ms;
  }
}
