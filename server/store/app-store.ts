import type { Database } from 'better-sqlite3';
import { hkdfSync } from 'node:crypto';
import { openDatabase } from './open-database.ts';
import { loadMasterKey } from '../secrets/master-key.ts';
import { SecretStore } from '../secrets/secret-store.ts';
import { PasswordHasher } from '../auth/password-hash.ts';
import { UserStore } from '../auth/user-store.ts';
import { SessionStore, DEFAULT_SESSION_POLICY, type SessionPolicy } from '../auth/session-store.ts';
import { TokenStore } from '../auth/token-store.ts';
import { LoginLimiter } from '../auth/login-limiter.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { TargetRepo } from '../targets/target-repo.ts';

export interface AppStoreOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Injectable clock for sessions, rate limits and audit times. */
  now?: () => number;
  session?: SessionPolicy;
  /**
   * scrypt cost as log2(N). Below 17 only with `testOnlyWeakPasswords: true`
   * (tests use 10 so a user costs ~1 ms instead of ~0.3 s).
   */
  passwordLogN?: number;
  testOnlyWeakPasswords?: boolean;
}

/** Everything persistent, opened once: main.ts and tests build it, the app receives it. */
export interface AppStore {
  db: Database;
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  limiter: LoginLimiter;
  audit: AuditLog;
  secrets: SecretStore;
  targets: TargetRepo;
  /** Derives per-session CSRF tokens; never stored. */
  csrfKey: Buffer;
  now: () => number;
  close(): void;
}

export function openAppStore(opts: AppStoreOptions): AppStore {
  const now = opts.now ?? Date.now;
  const db = openDatabase(opts.dataDir);
  const masterKey = loadMasterKey(opts.dataDir, opts.env);
  const secrets = new SecretStore(db, masterKey, now);
  const hasher = new PasswordHasher({ ...(opts.passwordLogN !== undefined ? { logN: opts.passwordLogN } : {}), testOnly: opts.testOnlyWeakPasswords ?? false });
  const sessions = new SessionStore(db, now, opts.session ?? DEFAULT_SESSION_POLICY);
  sessions.purgeExpired();
  return {
    db,
    users: new UserStore(db, hasher, now),
    sessions,
    tokens: new TokenStore(db, now),
    limiter: new LoginLimiter({ now }),
    audit: new AuditLog(db, now),
    secrets,
    targets: new TargetRepo(db, secrets, now),
    csrfKey: Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'rescuebox csrf v1', 32)),
    now,
    close: () => db.close(),
  };
}
