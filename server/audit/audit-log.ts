import type { AuditRecord } from '../wire.ts';
import { redactMediaTokens } from '../media/redact-token.ts';
import type { Database } from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditSink } from './audit-sink.ts';

export type { AuditRecord } from '../wire.ts';

export interface AuditQuery {
  user?: string;
  target?: string;
  since?: number;
  until?: number;
  limit?: number;
}

/** Digest over every stored column but the id: a row that does not match it is not whole. */
export function auditDigest(r: { at: number; user: string; action: string; target: string | null; outcome: string; detail: string }): string {
  return createHash('sha256').update(JSON.stringify([r.at, r.user, r.action, r.target, r.outcome, r.detail])).digest('hex');
}

/** Keys whose values never reach the audit table, whatever a caller passes in detail. */
const SECRET_KEYS = /pass(word)?|secret|token|cookie|^kg$|key$/i;

function scrub(detail: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) {
    out[k] = SECRET_KEYS.test(k)
      ? '[redacted]'
      : typeof v === 'string'
        ? redactMediaTokens(v)
        : v && typeof v === 'object' && !Array.isArray(v)
          ? scrub(v as Record<string, unknown>)
          : v;
  }
  return out;
}

export class AuditLog implements AuditSink {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  record(entry: AuditEntry): void {
    const row = {
      at: this.now(),
      user: entry.user,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome,
      detail: JSON.stringify(scrub(entry.detail ?? {})),
    };
    this.db
      .prepare('INSERT INTO audit (at, user, action, target, outcome, detail, digest) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(row.at, row.user, row.action, row.target, row.outcome, row.detail, auditDigest(row));
  }

  query(q: AuditQuery = {}): AuditRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, v: string | number | undefined) => {
      if (v === undefined) return;
      where.push(clause);
      args.push(v);
    };
    add('user = ?', q.user);
    add('target = ?', q.target);
    add('at >= ?', q.since);
    add('at < ?', q.until);
    const sql = `SELECT id, at, user, action, target, outcome, detail FROM audit ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    args.push(Math.min(q.limit ?? 500, 5000));
    const rows = this.db.prepare(sql).all(...args) as (Omit<AuditRecord, 'detail'> & { detail: string })[];
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
