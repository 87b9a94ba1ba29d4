import type { Database } from 'better-sqlite3';
import { seal, open } from './cipher.ts';

export type SecretKind = 'bmc-password' | 'ipmi-kg' | 'ssh-key' | 'ssh-password';

interface Row {
  nonce: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
}

/** Encrypted key/value per owner (a target id). Plaintext exists only in memory, on demand. */
export class SecretStore {
  constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  put(owner: string, kind: SecretKind, plaintext: string): void {
    const s = seal(this.key, plaintext, `${owner}/${kind}`);
    this.db
      .prepare(
        `INSERT INTO secrets (owner, kind, nonce, ciphertext, auth_tag, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner, kind) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
           auth_tag = excluded.auth_tag, updated_at = excluded.updated_at`,
      )
      .run(owner, kind, s.nonce, s.ciphertext, s.authTag, this.now());
  }

  get(owner: string, kind: SecretKind): string | undefined {
    const row = this.db.prepare('SELECT nonce, ciphertext, auth_tag FROM secrets WHERE owner = ? AND kind = ?').get(owner, kind) as Row | undefined;
    if (!row) return undefined;
    return open(this.key, { nonce: row.nonce, ciphertext: row.ciphertext, authTag: row.auth_tag }, `${owner}/${kind}`);
  }

  has(owner: string, kind: SecretKind): boolean {
    return this.db.prepare('SELECT 1 FROM secrets WHERE owner = ? AND kind = ?').get(owner, kind) !== undefined;
  }

  delete(owner: string, kind?: SecretKind): void {
    if (kind) this.db.prepare('DELETE FROM secrets WHERE owner = ? AND kind = ?').run(owner, kind);
    else this.db.prepare('DELETE FROM secrets WHERE owner = ?').run(owner);
  }
}
