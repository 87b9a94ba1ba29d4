import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/** The peer address of the socket (proxies' X-Forwarded-For is not trusted: none is deployed). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'in-process';
}
