import { pino, type Logger } from 'pino';

/** Paths pino must never print: BMC credentials, session secrets, tokens. */
export const REDACT_PATHS = [
  'password', '*.password', '*.*.password', 'secret', '*.secret', 'token', '*.token',
  'cookie', '*.cookie', 'authorization', '*.authorization', 'headers.cookie', 'headers.authorization',
  'req.headers.cookie', 'req.headers.authorization', 'bmc.password', 'kg', '*.kg',
  // Added with issue 3: session/CSRF/API-token material and password changes.
  '*.*.kg', 'headers["set-cookie"]', '*.headers["set-cookie"]', 'headers["x-csrf-token"]', '*.headers["x-csrf-token"]',
  'csrfToken', '*.csrfToken', 'sessionToken', '*.sessionToken', 'currentPassword', '*.currentPassword', 'newPassword', '*.newPassword',
  'credentials', '*.credentials', '*.*.token',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.RESCUEBOX_LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    opts.destination,
  );
}

export type { Logger };
