import type { Database } from 'better-sqlite3';
import { StoreError } from './errors.ts';

/**
 * Applies the pending steps, each with its user_version bump in one
 * transaction, so a crash leaves the schema at a whole step.
 */
export function migrate(db: Database, steps: readonly string[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > steps.length) {
    throw new StoreError('E_STORE_NEWER', `database schema is version ${current}, this build knows ${steps.length}: refusing to downgrade`);
  }
  for (let v = current; v < steps.length; v++) {
    const step = steps[v] as string;
    try {
      db.transaction(() => {
        db.exec(step);
        db.pragma(`user_version = ${v + 1}`);
      })();
    } catch (e) {
      throw new StoreError('E_STORE_MIGRATE', `migration ${v + 1} failed: ${(e as Error).message}`);
    }
  }
  return steps.length;
}
