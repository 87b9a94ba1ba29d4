import type { Database } from 'better-sqlite3';
import type { Role } from '../wire.ts';
import { randomToken, digest } from './random-token.ts';
import { ApiError } from './api-error.ts';

export const TOKEN_PREFIX = 'rbt_';

export interface ApiTokenInfo {
  id: number;
  userId: number;
  name: string;
  role: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface Row {
  id: number;
  user_id: number;
  name: string;
  role: Role;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toInfo = (r: Row): ApiTokenInfo => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** API tokens for automation: shown once at creation, stored as a digest, revocable. */
export class TokenStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  create(userId: number, name: string, role: Role): { token: string; info: ApiTokenInfo } {
    const exists = this.db.prepare('SELECT 1 FROM api_tokens WHERE user_id = ? AND name = ?').get(userId, name);
    if (exists) throw new ApiError(409, 'E_TOKEN_EXISTS', `you already have a token named ${name}`, 'name');
    const token = randomToken(TOKEN_PREFIX);
    const info = this.db
      .prepare('INSERT INTO api_tokens (user_id, name, token_hash, role, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(userId, name, digest(token), role, this.now());
    return { token, info: this.byId(Number(info.lastInsertRowid)) as ApiTokenInfo };
  }

  byId(id: number): ApiTokenInfo | undefined {
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(id) as Row | undefined;
    return r && toInfo(r);
  }

  list(userId?: number): ApiTokenInfo[] {
    const rows = (userId === undefined
      ? this.db.prepare('SELECT * FROM api_tokens ORDER BY id').all()
      : this.db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id').all(userId)) as Row[];
    return rows.map(toInfo);
  }

  resolve(token: string): ApiTokenInfo | undefined {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const r = this.db.prepare('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(digest(token)) as Row | undefined;
    if (!r) return undefined;
    const t = this.now();
    if (r.last_used_at === null || t - r.last_used_at > 60_000) this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?').run(t, r.id);
    return toInfo(r);
  }

  revoke(id: number): void {
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(this.now(), id);
  }
}
