/**
 * What any part of the server needs to put an action on the record. The
 * console hub, power/boot/media routes and the playbook engine receive this
 * interface, not the database.
 */
import type { AuditOutcome } from '../wire.ts';

export type { AuditOutcome };

export interface AuditEntry {
  /** Login name (Identity.user) or "playbook:<run-id>". */
  user: string;
  /** Dotted verb: "power.cycle", "console.lock.takeover", "user.create" ... */
  action: string;
  target?: string | null;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
}

export interface AuditSink {
  /** Durable when it returns (one committed transaction per entry). */
  record(entry: AuditEntry): void;
}
