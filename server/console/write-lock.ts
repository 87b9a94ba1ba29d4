import type { LockHolder, ServerControl } from '../wire.ts';
import { canWrite } from './can-write.ts';
import type { ConsoleViewer } from './console-viewer.ts';
import { ConsoleError } from './errors.ts';

type LockMessage = Extract<ServerControl, { t: 'lock' }>;

/** One writer per console: the rules for request, release and take-over. */
export class WriteLock {
  private holder: ConsoleViewer | null = null;

  get current(): ConsoleViewer | null {
    return this.holder;
  }

  /** The holder as every viewer sees it. */
  get wire(): LockHolder | null {
    return this.holder ? { user: this.holder.identity.user, viewerId: this.holder.id } : null;
  }

  /** Applies `action` for `v`; returns the message for all viewers. Refusals throw ConsoleError. */
  apply(v: ConsoleViewer, action: 'request' | 'release' | 'takeover'): LockMessage {
    if (v.state === 'closed') throw new ConsoleError('E_DETACHED', `viewer ${v.id} is detached`);
    if (v.readOnly) throw new ConsoleError('E_READ_ONLY', 'read-only viewer cannot hold the write lock');
    const by = v.identity.user;
    if (action === 'request') {
      if (this.holder && this.holder !== v) {
        throw new ConsoleError('E_LOCK_HELD', `${this.holder.identity.user} holds the write lock; take it over instead`);
      }
      this.holder = v;
      return { t: 'lock', holder: this.wire, by };
    }
    if (action === 'release') {
      if (this.holder !== v) throw new ConsoleError('E_NOT_LOCK_HOLDER', 'cannot release a write lock you do not hold');
      this.holder = null;
      return { t: 'lock', holder: null, by };
    }
    if (!canWrite(v.identity)) throw new ConsoleError('E_FORBIDDEN', `${by} may not take over the write lock`);
    const previous = this.holder;
    this.holder = v;
    return { t: 'lock', holder: this.wire, by, takeover: previous !== null && previous !== v };
  }

  /** Throws unless `v` may type (or send a break) now. */
  requireHeldBy(v: ConsoleViewer, what: string): void {
    if (v.state === 'closed') throw new ConsoleError('E_DETACHED', `viewer ${v.id} is detached`);
    if (v.readOnly) throw new ConsoleError('E_READ_ONLY', `read-only viewer cannot ${what}`);
    if (this.holder !== v) {
      const who = this.holder ? `${this.holder.identity.user} holds the write lock` : 'nobody holds the write lock';
      throw new ConsoleError('E_NOT_LOCK_HOLDER', `cannot ${what}: ${who}; request it first`);
    }
  }

  /** Frees the lock if `v` holds it (viewer leaving); returns whether it did. */
  dropIfHeldBy(v: ConsoleViewer): boolean {
    if (this.holder !== v) return false;
    this.holder = null;
    return true;
  }

  clear(): void {
    this.holder = null;
  }
}
