import { pino, type Logger } from 'pino';

/** Paths pino must never print: BMC credentials, session secrets, tokens. */
export const REDACT_PATHS = [
  'password', '*.password', '*.*.password', 'secret', '*.secret', 'token', '*.token',
  'cookie', '*.cookie', 'authorization', '*.authorization', 'headers.cookie', 'headers.authorization',
  'req.headers.cookie', 'req.headers.authorization', 'bmc.password', 'kg', '*.kg',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.RESCUEBOX_LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    opts.destination,
  );
}

export type { Logger };
