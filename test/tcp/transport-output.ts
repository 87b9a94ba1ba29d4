import type { ConsoleTransport, TransportState, TransportStateEvent } from '../../bmc-adapters/console-transport.ts';

/**
 * Test helper: collects a transport's output and waits for patterns or states
 * with a deadline (never a sleep). Shared by the tcp and lab tests.
 */
export class TransportOutput {
  text = '';
  bytes: Buffer[] = [];
  readonly states: TransportStateEvent[] = [];
  private waiters = new Set<() => void>();

  constructor(readonly transport: ConsoleTransport) {
    transport.on('data', (chunk) => {
      this.bytes.push(chunk);
      this.text += chunk.toString('latin1');
      this.poke();
    });
    transport.on('state', (ev) => {
      this.states.push(ev);
      this.poke();
    });
  }

  /** Resolves with the text up to the match once `pattern` appears after `from` (a text offset). */
  waitFor(pattern: RegExp | string, deadlineMs: number, from = 0): Promise<{ text: string; end: number }> {
    return this.until(() => {
      const hay = this.text.slice(from);
      const m = typeof pattern === 'string' ? (hay.includes(pattern) ? { index: hay.indexOf(pattern), 0: pattern } : null) : pattern.exec(hay);
      return m ? { text: hay, end: from + m.index + m[0].length } : undefined;
    }, deadlineMs, () => `output ${String(pattern)} (last: ${JSON.stringify(this.text.slice(-200))})`);
  }

  /** Resolves once `count` state events with `state` have been seen in total. */
  waitForState(state: TransportState, deadlineMs: number, count = 1): Promise<TransportStateEvent> {
    return this.until(() => this.states.filter((s) => s.state === state)[count - 1], deadlineMs, () => `state ${state} x${count} (seen ${this.states.map((s) => s.state).join(',')})`);
  }

  /** Waits until `check` returns a value (re-checked on every output or state event). */
  until<T>(check: () => T | undefined, deadlineMs: number, what: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const first = check();
      if (first !== undefined) return resolve(first);
      const timer = setTimeout(() => {
        this.waiters.delete(poke);
        reject(new Error(`timed out after ${deadlineMs} ms waiting for ${what()}`));
      }, deadlineMs);
      const poke = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(poke);
        resolve(v);
      };
      this.waiters.add(poke);
    });
  }

  private poke(): void {
    for (const w of [...this.waiters]) w();
  }
}
