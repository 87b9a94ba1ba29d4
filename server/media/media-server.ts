import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AuditSink } from '../audit/audit-sink.ts';
import type { Logger } from '../log.ts';
import { buildMediaApp } from './media-app.ts';
import type { MediaConfig } from './media-config.ts';
import type { FetchLog } from './fetch-log.ts';
import { resolveMediaFile } from './safe-path.ts';
import { signGrant } from './token.ts';

export interface MediaServerOptions {
  config: MediaConfig;
  key: Buffer;
  fetchLog: FetchLog;
  log: Logger;
  now?: () => number;
  audit?: AuditSink;
  /** PEM certificate and key: serve HTTPS. */
  tls?: { cert: string; key: string };
}

export interface MediaServer {
  /** Base URL BMCs use (config publicUrl, else the bound address). */
  baseUrl: string;
  /** Per-target expiring URL for one file; checks the file exists inside the media folder. */
  urlFor(target: string, name: string, ttlS?: number): { url: string; expiresAt: number };
  /** *.iso / *.img directly in the media folder. */
  listFiles(): { name: string; size: number; mtime: string }[];
  close(): Promise<void>;
}

/** Starts the media HTTP server on media.listen (its own port, no UI login). */
export async function startMediaServer(o: MediaServerOptions): Promise<MediaServer> {
  const now = o.now ?? Date.now;
  const root = o.config.dir;
  const app = buildMediaApp({ root, key: o.key, fetchLog: o.fetchLog, log: o.log, now, audit: o.audit });
  const server: ServerType = await new Promise((resolve) => {
    const tls = o.tls ? { createServer: createHttpsServer, serverOptions: { cert: o.tls.cert, key: o.tls.key } } : {};
    const s = serve({ fetch: app.fetch, hostname: o.config.listen.host, port: o.config.listen.port, ...tls }, () => resolve(s));
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const baseUrl = (o.config.publicUrl ?? `${o.tls ? 'https' : 'http'}://${host}:${addr.port}`).replace(/\/+$/, '');
  o.log.info({ baseUrl, dir: root }, 'media server listening');
  return {
    baseUrl,
    urlFor(target, name, ttlS = o.config.tokenTtlS) {
      resolveMediaFile(root, name);
      const expiresAt = now() + ttlS * 1000;
      return { url: `${baseUrl}/media/t/${signGrant(o.key, { target, name, expiresAt })}/${name}`, expiresAt };
    },
    listFiles() {
      const out: { name: string; size: number; mtime: string }[] = [];
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        return out;
      }
      for (const n of names.sort()) {
        try {
          const f = resolveMediaFile(root, n);
          out.push({ name: n, size: f.stat.size, mtime: f.stat.mtime.toISOString() });
        } catch {
          /* not servable: skipped */
        }
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
