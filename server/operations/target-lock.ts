/**
 * One BMC action at a time per target: a power cycle racing a boot-device
 * change would leave the machine in a state nobody asked for. Later callers
 * wait their turn (in order) rather than being refused.
 */
export class TargetLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(target: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(target) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(target, tail);
    void tail.then(() => {
      if (this.tails.get(target) === tail) this.tails.delete(target);
    });
    return next;
  }
}
