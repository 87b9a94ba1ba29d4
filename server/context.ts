import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Identity, TargetSummary } from './wire.ts';
import type { AppStore } from './store/app-store.ts';
import type { Access } from './auth/access.ts';
import type { TargetProber } from './targets/prober.ts';
import type { OperationDeps } from './operations/operation-deps.ts';

/** What the HTTP layer needs from the rest of the server; built once in main.ts (or a test). */
export interface AppContext {
  config: Config;
  log: Logger;
  version: string;
  startedAt: number;
  /** Current targets as the UI lists them. */
  listTargets(): TargetSummary[];
  /** Database-backed users, sessions, tokens, audit, targets, secrets (server/store/app-store.ts). */
  store: AppStore;
  /** "Test connection" for a stored target; provided by the BMC adapters. */
  probeTarget?: TargetProber;
  /** Power/boot/media routes: injected controller factory (tests) and the media server (server/media/setup.ts). */
  operations?: OperationDeps;
}

/** Hono environment: every handler behind the login finds the caller here. */
export interface AppEnv {
  Variables: {
    identity: Identity;
    /** Full caller detail (grants, session/token) set by the auth middleware. */
    access: Access;
  };
}
