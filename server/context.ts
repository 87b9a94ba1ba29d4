import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Identity, TargetSummary } from './wire.ts';

/** What the HTTP layer needs from the rest of the server; built once in main.ts (or a test). */
export interface AppContext {
  config: Config;
  log: Logger;
  version: string;
  startedAt: number;
  /** Current targets as the UI lists them. */
  listTargets(): TargetSummary[];
}

/** Hono environment: every handler behind the login finds the caller here. */
export interface AppEnv {
  Variables: {
    identity: Identity;
  };
}
