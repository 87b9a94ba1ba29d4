import { randomBytes } from 'node:crypto';
import type { UserStore } from './user-store.ts';
import type { AuditSink } from '../audit/audit-sink.ts';

export const ADMIN_PASSWORD_ENV = 'RESCUEBOX_ADMIN_PASSWORD';

/**
 * At first start (no users at all) creates `admin`. Its password comes from
 * RESCUEBOX_ADMIN_PASSWORD (then removed from this process's environment so
 * no child inherits it), else is random and handed to `print` exactly once:
 * the terminal, never the log.
 */
export async function ensureFirstAdmin(users: UserStore, audit: AuditSink, opts: { env?: NodeJS.ProcessEnv; print?: (line: string) => void } = {}): Promise<boolean> {
  const env = opts.env ?? process.env;
  const fromEnv = env[ADMIN_PASSWORD_ENV];
  delete env[ADMIN_PASSWORD_ENV];
  if (users.count() > 0) return false;
  const password = fromEnv || randomBytes(15).toString('base64url');
  await users.create({ username: 'admin', password, role: 'admin' });
  audit.record({ user: 'system', action: 'user.create', outcome: 'ok', detail: { username: 'admin', role: 'admin', firstStart: true } });
  const print = opts.print ?? ((line: string) => process.stdout.write(line + '\n'));
  if (fromEnv) print('rescuebox: created user "admin" with the password from RESCUEBOX_ADMIN_PASSWORD');
  else print(`rescuebox: created user "admin" with password: ${password}\nrescuebox: this is shown once; change it after logging in (POST /api/me/password).`);
  return true;
}
