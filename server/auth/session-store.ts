import type { Database } from 'better-sqlite3';
import { randomToken, digest } from './random-token.ts';

export interface SessionPolicy {
  /** Ends after this long without a request. */
  idleMs: number;
  /** Ends this long after login whatever happens. */
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 8 * 3600_000, absoluteMs: 24 * 3600_000 };

interface Row {
  user_id: number;
  last_seen_at: number;
  expires_at: number;
}

/** Cookie sessions. The cookie holds the token; the table holds only its digest. */
export class SessionStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
    private readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  create(userId: number, address: string | null): string {
    const token = randomToken();
    const t = this.now();
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, address) VALUES (?, ?, ?, ?, ?, ?)')
      .run(digest(token), userId, t, t, t + this.policy.absoluteMs, address);
    return token;
  }

  /** The user id for a live session; touches it at most once a minute to keep writes rare. */
  resolve(token: string): { userId: number; idHash: string } | undefined {
    const idHash = digest(token);
    const r = this.db.prepare('SELECT user_id, last_seen_at, expires_at FROM sessions WHERE id_hash = ?').get(idHash) as Row | undefined;
    if (!r) return undefined;
    const t = this.now();
    if (t >= r.expires_at || t - r.last_seen_at >= this.policy.idleMs) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return undefined;
    }
    if (t - r.last_seen_at > 60_000) this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(t, idHash);
    return { userId: r.user_id, idHash };
  }

  destroy(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  purgeExpired(): void {
    const t = this.now();
    this.db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?').run(t, t - this.policy.idleMs);
  }
}
