/**
 * The only source of time the session and SOL code see, so tests drive them with a
 * fake clock instead of sleeping.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    // A pending retransmit or keepalive must never keep a CLI process alive on its own.
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
