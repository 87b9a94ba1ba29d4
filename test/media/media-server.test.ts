import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Hono } from 'hono';
import { createLogger } from '../../server/log.ts';
import { FetchLog, type FetchRecord } from '../../server/media/fetch-log.ts';
import { registerMediaRoutes } from '../../server/media/fetch-routes.ts';
import { startMediaServer, type MediaServer } from '../../server/media/media-server.ts';
import { signGrant } from '../../server/media/token.ts';
import type { AppEnv } from '../../server/context.ts';
import type { Access } from '../../server/auth/access.ts';
import { makeCert } from '../redfish/tls-cert.ts';

const run = promisify(execFile);
const SIZE = 3 * 1024 * 1024 + 123;
const BIG = 32 * 1024 * 1024;
let big: Buffer;

let dir: string;
let mediaDir: string;
let iso: Buffer;
let media: MediaServer;
let fetchLog: FetchLog;
let now = Date.UTC(2026, 0, 1);
const key = randomBytes(32);
const logLines: string[] = [];
const waiters = new Set<(r: Readonly<FetchRecord>) => void>();
/** Resolves when the fetch log reports a finished record matching `pred` (or already holds one). */
function fetchEnded(pred: (r: Readonly<FetchRecord>) => boolean): Promise<void> {
  if (fetchLog.list().some((r) => r.state !== 'active' && pred(r))) return Promise.resolve();
  return new Promise((resolve) => {
    const w = (r: Readonly<FetchRecord>) => {
      if (pred(r)) {
        waiters.delete(w);
        resolve();
      }
    };
    waiters.add(w);
  });
}

async function curl(args: string[]): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const hdr = join(dir, `h-${Math.random().toString(36).slice(2)}`);
  const out = join(dir, `o-${Math.random().toString(36).slice(2)}`);
  await run('curl', ['-s', '-D', hdr, '-o', out, ...args]);
  const lines = readFileSync(hdr, 'utf8').trim().split(/\r?\n/);
  const status = Number(lines[0]?.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = Buffer.alloc(0);
  try {
    body = readFileSync(out);
  } catch {
    /* HEAD / empty */
  }
  return { status, headers, body };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-media-'));
  mediaDir = join(dir, 'dist');
  mkdirSync(join(mediaDir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  iso = randomBytes(SIZE);
  writeFileSync(join(mediaDir, 'rescue.iso'), iso);
  // Larger than loopback socket buffers, so an interrupted transfer really is cut short on the server too.
  const chunk = randomBytes(1024 * 1024);
  big = Buffer.concat(Array.from({ length: BIG / chunk.length }, () => chunk));
  writeFileSync(join(mediaDir, 'big.iso'), big);
  writeFileSync(join(mediaDir, 'images', 'system-a.img'), Buffer.from('system image A'));
  writeFileSync(join(mediaDir, 'notes.txt'), 'not media');
  writeFileSync(join(dir, 'outside', 'secret.iso'), 'secret outside the media folder');
  symlinkSync(join(dir, 'outside', 'secret.iso'), join(mediaDir, 'evil.iso'));
  fetchLog = new FetchLog({ now: () => now, sink: { fetchEnded: (r) => waiters.forEach((w) => w(r)) } });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  media = await startMediaServer({
    config: { dir: mediaDir, listen: { host: '127.0.0.1', port: 0 }, tokenTtlS: 3600 },
    key,
    fetchLog,
    log: createLogger({ level: 'info', destination: sink }),
    now: () => now,
  });
});

after(async () => {
  await media.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('media server', () => {
  it('HEAD gives size, ranges, ETag and Last-Modified without a body', async () => {
    const { url } = media.urlFor('lab-1', 'rescue.iso');
    assert.doesNotMatch(url, /[?&]/);
    assert.match(url, /\/media\/t\/[A-Za-z0-9_.-]+\/rescue\.iso$/);
    const r = await curl(['-I', url]);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(SIZE));
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.match(r.headers.etag ?? '', /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(r.headers['last-modified']);
    // curl -I writes the header block to -o; there must be nothing after it.
    assert.equal(r.body.toString().split('\r\n\r\n')[1] ?? '', '');
  });

  it('serves the whole file and single ranges (206), refuses unsatisfiable ones (416)', async () => {
    const { url } = media.urlFor('lab-1', 'rescue.iso');
    const full = await curl([url]);
    assert.equal(full.status, 200);
    assert.ok(full.body.equals(iso));

    const part = await curl(['-r', '1000-1999', url]);
    assert.equal(part.status, 206);
    assert.equal(part.headers['content-range'], `bytes 1000-1999/${SIZE}`);
    assert.ok(part.body.equals(iso.subarray(1000, 2000)));

    const suffix = await curl(['-r', '-100', url]);
    assert.equal(suffix.status, 206);
    assert.ok(suffix.body.equals(iso.subarray(SIZE - 100)));

    const bad = await curl(['-r', `${SIZE}-`, url]);
    assert.equal(bad.status, 416);
    assert.equal(bad.headers['content-range'], `bytes */${SIZE}`);

    const img = await curl([media.urlFor('lab-1', 'images/system-a.img').url]);
    assert.equal(img.body.toString(), 'system image A');
  });

  it('an interrupted download resumes with curl -C - and the log shows what the BMC read', async () => {
    const { url } = media.urlFor('lab-2', 'big.iso');
    const partFile = join(dir, 'resume.iso');
    // Interrupt after the first megabyte arrived (event-driven, no timers).
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(partFile);
      let got = 0;
      const req = get(url, (res) => {
        res.on('data', (c: Buffer) => {
          if (got >= 1024 * 1024) return;
          out.write(c);
          got += c.length;
          if (got >= 1024 * 1024) {
            req.destroy();
            out.end(resolve);
          }
        });
      });
      req.on('error', (e) => (got >= 1024 * 1024 ? undefined : reject(e)));
    });
    const partial = readFileSync(partFile).length;
    assert.ok(partial >= 1024 * 1024 && partial < BIG);
    await run('curl', ['-s', '-C', '-', '-o', partFile, url]);
    assert.ok(readFileSync(partFile).equals(big), 'resumed file is identical');

    // The aborted stream is recorded once the server has seen its close.
    await fetchEnded((r) => r.target === 'lab-2' && r.state === 'aborted');
    const recs = fetchLog.list({ target: 'lab-2' });
    assert.ok(recs.some((r) => r.state === 'aborted' && r.rangeStart === 0), 'first request recorded as aborted');
    const resumed = recs.find((r) => r.status === 206);
    assert.equal(resumed?.rangeStart, partial);
    assert.equal(resumed?.state, 'done');
    const [sum] = fetchLog.summary({ target: 'lab-2' });
    assert.equal(sum?.fileSize, BIG);
    assert.equal(sum?.bytesCovered, BIG, 'every byte read at least once');
    assert.ok((sum?.bytesPerSecond ?? 0) >= 0);
  });

  it('refuses traversal: dot segments, encoded dots, symlinks out of the folder; and logs it', async () => {
    const { url } = media.urlFor('lab-1', 'rescue.iso');
    const base = url.slice(0, url.lastIndexOf('/') + 1);
    const origin = new URL(url).origin;
    for (const p of [`${base}../../../etc/passwd`, `${base}..%2f..%2fetc%2fpasswd.iso`, `${base}%2e%2e/%2e%2e/outside/secret.iso`, `${origin}/media/../outside/secret.iso`]) {
      const r = await curl(['--path-as-is', p]);
      assert.equal(r.status, 400, p);
    }
    const evil = `${origin}/media/t/${signGrant(key, { target: 'lab-1', name: 'evil.iso', expiresAt: now + 60_000 })}/evil.iso`;
    const r = await curl([evil]);
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.body.toString(), /secret outside/);
    assert.throws(() => media.urlFor('lab-1', 'evil.iso'), { code: 'E_MEDIA_TRAVERSAL' });
    assert.throws(() => media.urlFor('lab-1', 'notes.txt'), { code: 'E_MEDIA_NAME' });
    const refusals = logLines.filter((l) => l.includes('media: refused'));
    assert.ok(refusals.some((l) => l.includes('E_MEDIA_TRAVERSAL') && l.includes('evil.iso')));
    assert.ok(refusals.filter((l) => l.includes('E_MEDIA_TRAVERSAL')).length >= 5);
  });

  it('refuses expired, forged, other-file tokens and query strings', async () => {
    const { url } = media.urlFor('lab-1', 'rescue.iso', 60);
    assert.equal((await curl(['-I', url])).status, 200);
    assert.equal((await curl(['-I', `${url}?x=1`])).status, 404);
    const other = url.replace(/rescue\.iso$/, 'images/system-a.img');
    assert.equal((await curl(['-I', other])).status, 403);
    const forged = url.replace(/\/t\/([^.]+)\./, '/t/$1x.');
    assert.equal((await curl(['-I', forged])).status, 403);
    now += 61_000;
    const expired = await curl([url]);
    assert.equal(expired.status, 410);
    assert.match(expired.body.toString(), /E_MEDIA_EXPIRED/);
  });

  it('exposes fetches per target to the operator API', async () => {
    const app = new Hono<AppEnv>();
    const access = { role: 'admin', roleFor: () => 'admin' } as unknown as Access;
    app.use('*', async (c, next) => {
      c.set('access', access);
      await next();
    });
    registerMediaRoutes(app, { fetchLog, media });
    const res = await app.request('/api/media/fetches?target=lab-2');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { summary: { target: string; bytesCovered: number; fileSize: number }[]; fetches: unknown[] };
    assert.equal(body.summary[0]?.target, 'lab-2');
    assert.equal(body.summary[0]?.bytesCovered, body.summary[0]?.fileSize);
    assert.ok(body.fetches.length >= 2);
    const link = await app.request('/api/media/links', { method: 'POST', body: JSON.stringify({ target: 'lab-3', name: 'rescue.iso' }), headers: { 'content-type': 'application/json' } });
    assert.equal(link.status, 200);
    assert.match(((await link.json()) as { url: string }).url, /\/media\/t\/.+\/rescue\.iso$/);
  });
});

describe('media server over HTTPS', () => {
  it('serves ranges over TLS when media.tls is set (bmcweb mounts only https://)', async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), 'rb-media-tls-'));
    const cert = makeCert(tlsDir, 'media');
    const m = await startMediaServer({
      config: { dir: mediaDir, listen: { host: '127.0.0.1', port: 0 }, tokenTtlS: 3600 },
      key,
      fetchLog: new FetchLog({ now: () => now }),
      log: createLogger({ level: 'silent' }),
      now: () => now,
      tls: { cert: cert.cert, key: cert.key },
    });
    try {
      const { url } = m.urlFor('lab-4', 'rescue.iso');
      assert.match(url, /^https:\/\//);
      const r = await curl(['-k', '-r', '0-99', url]);
      assert.equal(r.status, 206);
      assert.ok(r.body.equals(iso.subarray(0, 100)));
    } finally {
      await m.close();
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });
});
