import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { createReadStream } from 'node:fs';
import type { AuditSink } from '../audit/audit-sink.ts';
import type { Logger } from '../log.ts';
import { MediaError } from './errors.ts';
import type { FetchLog } from './fetch-log.ts';
import { parseRange } from './range.ts';
import { resolveMediaFile, type MediaFile } from './safe-path.ts';
import { verifyGrant } from './token.ts';

export interface MediaAppOptions {
  /** The media folder. */
  root: string;
  key: Buffer;
  fetchLog: FetchLog;
  log: Logger;
  now?: () => number;
  /** Refusals (traversal, bad / expired token) also go on the audit record when given. */
  audit?: AuditSink;
}

type Env = { Bindings: HttpBindings };

const PREFIX = '/media/t/';

function etagOf(f: MediaFile): string {
  // Strong: size + mtime in ns identify one version of a file in the media folder.
  return `"${f.stat.size.toString(16)}-${f.stat.mtimeMs.toString(16).replace('.', '')}"`;
}

function contentType(name: string): string {
  return /\.iso$/i.test(name) ? 'application/x-iso9660-image' : 'application/octet-stream';
}

/**
 * The media server's own Hono app. No login (BMCs cannot log in): the
 * HMAC-signed, expiring token inside the path is the access control. Only
 * GET / HEAD of `/media/t/<token>/<name>.iso|img` exist.
 */
export function buildMediaApp(o: MediaAppOptions): Hono<Env> {
  const now = o.now ?? Date.now;
  const app = new Hono<Env>();

  const refuse = (c: Context<Env>, e: MediaError, rawPath: string) => {
    const client = c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
    o.log.warn({ client, path: rawPath, code: e.code }, `media: refused: ${e.message}`);
    if (e.code === 'E_MEDIA_TRAVERSAL' || e.code === 'E_MEDIA_TOKEN' || e.code === 'E_MEDIA_EXPIRED') {
      o.audit?.record({ user: `bmc:${client}`, action: 'media.refused', outcome: 'denied', detail: { path: rawPath, code: e.code } });
    }
    return c.text(`${e.code}: ${e.message}\n`, e.status as 400);
  };

  app.on(['GET', 'HEAD'], '*', async (c) => {
    // The raw request line, before URL normalisation folds `..` / `%2e%2e` away: refusals must be seen and logged.
    const raw = c.env?.incoming?.url ?? new URL(c.req.url).pathname;
    const rawPath = raw.split('?')[0] ?? '';
    try {
      if (raw.includes('?')) throw new MediaError('E_MEDIA_NAME', 404, 'media URLs carry no query string');
      if (!rawPath.startsWith(PREFIX)) {
        if (/(^|\/)\.\.?(\/|$)|%2e|%2f|%5c/i.test(rawPath)) throw new MediaError('E_MEDIA_TRAVERSAL', 400, `traversal attempt ${rawPath}`);
        throw new MediaError('E_MEDIA_NOT_FOUND', 404, `no such path ${rawPath}`);
      }
      const rest = rawPath.slice(PREFIX.length);
      const slash = rest.indexOf('/');
      if (slash <= 0) throw new MediaError('E_MEDIA_NOT_FOUND', 404, 'no file name after the token');
      const token = rest.slice(0, slash);
      const name = rest.slice(slash + 1);
      // Name first: a traversal attempt is reported as such even with a bad token.
      if (/%|\\/.test(name) || name.split('/').some((s) => s === '..' || s === '.')) resolveMediaFile(o.root, name);
      const grant = verifyGrant(o.key, token, name, now());
      const file = resolveMediaFile(o.root, name);
      return serveFile(c, file, grant.target);
    } catch (e) {
      if (e instanceof MediaError) return refuse(c, e, rawPath);
      throw e;
    }
  });

  const serveFile = (c: Context<Env>, f: MediaFile, target: string) => {
    const size = f.stat.size;
    const etag = etagOf(f);
    const lastModified = f.stat.mtime.toUTCString();
    const base: Record<string, string> = {
      'accept-ranges': 'bytes',
      etag,
      'last-modified': lastModified,
      'content-type': contentType(f.name),
      'cache-control': 'no-cache',
    };
    const method = c.req.method === 'HEAD' ? 'HEAD' : 'GET';
    const inm = c.req.header('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return c.body(null, 304, base);
    const ifRange = c.req.header('if-range');
    // If-Range that does not name the current version: send the whole (changed) file.
    const rangeHeader = ifRange && ifRange !== etag && ifRange !== lastModified ? undefined : c.req.header('range');
    const range = parseRange(rangeHeader, size);
    const client = c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
    const common = { target, file: f.name, client, userAgent: c.req.header('user-agent'), method, fileSize: size } as const;
    if (range.kind === 'unsatisfiable') {
      o.fetchLog.end(o.fetchLog.begin({ ...common, status: 416, rangeStart: -1, rangeEnd: -1 }), 'done');
      return c.body(null, 416, { ...base, 'content-range': `bytes */${size}` });
    }
    const start = range.kind === 'range' ? range.start : 0;
    const end = range.kind === 'range' ? range.end : size - 1;
    const status = range.kind === 'range' ? 206 : 200;
    const headers: Record<string, string> = { ...base, 'content-length': String(end - start + 1) };
    if (range.kind === 'range') headers['content-range'] = `bytes ${start}-${end}/${size}`;
    if (method === 'HEAD' || size === 0) {
      o.fetchLog.end(o.fetchLog.begin({ ...common, status, rangeStart: -1, rangeEnd: -1 }), 'done');
      return c.body(null, status, headers);
    }
    const rec = o.fetchLog.begin({ ...common, status, rangeStart: start, rangeEnd: end });
    const stream = createReadStream(f.path, { start, end, highWaterMark: 64 * 1024 });
    stream.on('error', (err) => o.log.warn({ file: f.name, err: err.message }, 'media: read error'));
    // A pull-driven body: bytes are counted as they are handed to the socket writer (at most a few chunks ahead),
    // and a cancel (client gone) marks the fetch aborted even if the disk read had finished.
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          stream.pause();
          stream.on('data', (chunk) => {
            const b = chunk as Buffer;
            controller.enqueue(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
            o.fetchLog.progress(rec, b.length);
            if ((controller.desiredSize ?? 0) <= 0) stream.pause();
          });
          stream.on('end', () => {
            o.fetchLog.end(rec, rec.bytesSent === end - start + 1 ? 'done' : 'aborted');
            controller.close();
          });
          stream.on('error', (err) => {
            o.fetchLog.end(rec, 'aborted');
            controller.error(err);
          });
        },
        pull() {
          stream.resume();
        },
        cancel() {
          o.fetchLog.end(rec, 'aborted');
          stream.destroy();
        },
      },
      { highWaterMark: 2 },
    );
    return new Response(body, { status, headers });
  };

  return app;
}
