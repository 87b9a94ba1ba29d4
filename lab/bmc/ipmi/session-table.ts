import type { BmcClock, TimerHandle } from '../clock.ts';
import type { BmcSession } from './session.ts';

/**
 * The BMC's sessions by its own session id, with a bounded size and an idle
 * timeout (IPMI v2.0 §6.12.15: a session with no traffic for the timeout is
 * closed by the BMC). Half-open sessions (RAKP not finished) time out sooner,
 * so a flood of Open Session requests cannot fill the table for long.
 */
export interface SessionTableOptions {
  clock: BmcClock;
  maxSessions: number;
  idleTimeoutMs: number;
  handshakeTimeoutMs: number;
  random: (n: number) => Buffer;
  /** Called for every session that leaves the table (closed, timed out, failed). */
  onRemove(s: BmcSession, why: string): void;
}

export class SessionTable {
  private readonly byId = new Map<number, BmcSession>();
  private sweepTimer: TimerHandle | null = null;

  constructor(private readonly o: SessionTableOptions) {}

  get size(): number {
    return this.byId.size;
  }

  get activeCount(): number {
    let n = 0;
    for (const s of this.byId.values()) if (s.state === 'active') n++;
    return n;
  }

  get(id: number): BmcSession | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<BmcSession> {
    return this.byId.values();
  }

  /** A fresh non-zero session id not in use. */
  newId(): number {
    for (;;) {
      const id = this.o.random(4).readUInt32LE(0);
      if (id !== 0 && !this.byId.has(id)) return id;
    }
  }

  /** False when the table is full even after dropping expired sessions. */
  add(s: BmcSession): boolean {
    if (this.byId.size >= this.o.maxSessions) this.sweep();
    if (this.byId.size >= this.o.maxSessions) return false;
    this.byId.set(s.bmcId, s);
    this.schedule();
    return true;
  }

  remove(id: number, why: string): void {
    const s = this.byId.get(id);
    if (!s) return;
    this.byId.delete(id);
    this.o.onRemove(s, why);
    if (this.byId.size === 0 && this.sweepTimer) {
      this.o.clock.clearTimeout(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  touch(s: BmcSession): void {
    s.lastActivity = this.o.clock.now();
  }

  /** Drops sessions idle past their timeout; returns how many. */
  sweep(): number {
    const now = this.o.clock.now();
    let n = 0;
    for (const s of [...this.byId.values()]) {
      const limit = s.state === 'active' ? this.o.idleTimeoutMs : this.o.handshakeTimeoutMs;
      if (now - s.lastActivity >= limit) {
        this.remove(s.bmcId, s.state === 'active' ? 'idle timeout' : 'handshake timeout');
        n++;
      }
    }
    return n;
  }

  clear(why: string): void {
    for (const id of [...this.byId.keys()]) this.remove(id, why);
    if (this.sweepTimer) this.o.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = null;
  }

  private schedule(): void {
    if (this.sweepTimer) return;
    const every = Math.max(50, Math.min(this.o.handshakeTimeoutMs, this.o.idleTimeoutMs) / 4);
    this.sweepTimer = this.o.clock.setTimeout(() => {
      this.sweepTimer = null;
      this.sweep();
      if (this.byId.size > 0) this.schedule();
    }, every);
  }
}
