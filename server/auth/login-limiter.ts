/**
 * Login throttle, per user name and per client address. After `slowAfter`
 * failures inside `windowMs` each further attempt must wait an exponentially
 * growing delay (refused with 429 before it elapses, nothing sleeps); after
 * `blockAfter` failures the key is refused outright for `blockMs`. Kept in
 * memory: a restart forgets it, which the block duration makes acceptable.
 */
export interface LimiterPolicy {
  windowMs: number;
  slowAfter: number;
  baseDelayMs: number;
  maxDelayMs: number;
  blockAfter: number;
  blockMs: number;
}

export const USER_POLICY: LimiterPolicy = { windowMs: 15 * 60_000, slowAfter: 3, baseDelayMs: 1000, maxDelayMs: 60_000, blockAfter: 10, blockMs: 15 * 60_000 };
// Wider window for addresses: with delays capped at a minute, 30 failures take about 15 minutes to reach.
export const ADDRESS_POLICY: LimiterPolicy = { windowMs: 60 * 60_000, slowAfter: 10, baseDelayMs: 1000, maxDelayMs: 60_000, blockAfter: 30, blockMs: 30 * 60_000 };

export type LimitVerdict = { ok: true } | { ok: false; code: 'E_LOGIN_SLOWED' | 'E_LOGIN_BLOCKED'; retryAfterMs: number; key: 'user' | 'address' };

class Bucket {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly policy: LimiterPolicy,
    private readonly now: () => number,
  ) {}

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((f) => t - f < Math.max(this.policy.windowMs, this.policy.blockMs));
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  check(key: string): { code: 'E_LOGIN_SLOWED' | 'E_LOGIN_BLOCKED'; retryAfterMs: number } | undefined {
    const list = this.recent(key);
    const t = this.now();
    const last = list[list.length - 1];
    if (last === undefined) return undefined;
    const inWindow = list.filter((f) => t - f < this.policy.windowMs).length;
    if (list.length >= this.policy.blockAfter && t - last < this.policy.blockMs) return { code: 'E_LOGIN_BLOCKED', retryAfterMs: last + this.policy.blockMs - t };
    if (inWindow >= this.policy.slowAfter) {
      const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (inWindow - this.policy.slowAfter));
      if (t - last < delay) return { code: 'E_LOGIN_SLOWED', retryAfterMs: last + delay - t };
    }
    return undefined;
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

export class LoginLimiter {
  private readonly users: Bucket;
  private readonly addresses: Bucket;

  constructor(opts: { now?: () => number; user?: LimiterPolicy; address?: LimiterPolicy } = {}) {
    const now = opts.now ?? Date.now;
    this.users = new Bucket(opts.user ?? USER_POLICY, now);
    this.addresses = new Bucket(opts.address ?? ADDRESS_POLICY, now);
  }

  check(username: string, address: string): LimitVerdict {
    const u = this.users.check(username.toLowerCase());
    if (u) return { ok: false, ...u, key: 'user' };
    const a = this.addresses.check(address);
    if (a) return { ok: false, ...a, key: 'address' };
    return { ok: true };
  }

  failed(username: string, address: string): void {
    this.users.fail(username.toLowerCase());
    this.addresses.fail(address);
  }

  /** A success clears the user's count, not the address's: one valid account must not unlock guessing at others. */
  succeeded(username: string): void {
    this.users.reset(username.toLowerCase());
  }
}
