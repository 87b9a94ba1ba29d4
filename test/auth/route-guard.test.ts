import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { buildApp } from '../../server/app.ts';
import { isPublic, isSelfService } from '../../server/auth/public-routes.ts';
import { csrfTokenFor } from '../../server/auth/csrf.ts';
import { SESSION_COOKIE } from '../../server/auth/session-cookie.ts';
import { ConsoleHub } from '../../server/console/console-hub.ts';
import { setupMedia } from '../../server/media/setup.ts';
import { makeTestStore, testContext, createUser, startServer } from './helpers.ts';

/**
 * Every registered route, WebSocket routes included, read from app.routes:
 * none answers success without a login, no unsafe one answers success to a
 * viewer, and no admin route answers success to an operator.
 */
const store = makeTestStore();
after(async () => {
  await hub.close();
  await media.media.close();
  store.cleanup();
});
const ctx = testContext(store);
// With the media server so the operator media API is registered and enumerated too.
const media = await setupMedia({ config: { ...ctx.config, media: { ...ctx.config.media, listen: { host: '127.0.0.1', port: 0 } } }, log: ctx.log });
ctx.operations = { media };
// With a console hub so the console WebSocket route is registered and enumerated too.
const hub = new ConsoleHub({ console: ctx.config.console, dataDir: null });
const { app, injectWebSocket } = buildApp(ctx, hub);
const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'];

function concrete(path: string): string {
  const p = path.replace(/:[A-Za-z_]\w*(\{[^}]*\})?/g, 'lab-1').replace(/\*$/, 'probe').replace(/\/\*\//g, '/probe/');
  return p === '' ? '/' : p;
}

function probes(): { method: string; path: string; route: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string; route: string }[] = [];
  for (const r of app.routes) {
    const methods = r.method === 'ALL' ? ['GET', ...UNSAFE] : [r.method];
    for (const method of methods) {
      const path = concrete(r.path);
      const key = `${method} ${path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ method, path, route: `${r.method} ${r.path}` });
    }
  }
  return out;
}

async function sessionHeaders(username: string): Promise<Record<string, string>> {
  const u = store.users.byName(username);
  assert.ok(u);
  const token = store.sessions.create(u.id, null);
  return { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfTokenFor(store.csrfKey, token), origin: 'http://localhost', host: 'localhost', 'content-type': 'application/json' };
}

test('the route table is not empty and includes the auth and targets API', () => {
  const paths = new Set(app.routes.map((r) => `${r.method} ${r.path}`));
  for (const p of ['GET /api/targets/:id/console', 'POST /api/login', 'GET /api/me', 'GET /api/targets', 'POST /api/targets', 'GET /api/audit', 'POST /api/users', 'POST /api/targets/:id/power', 'POST /api/targets/:id/media', 'GET /api/media/fetches', 'POST /api/media/links']) assert.ok(paths.has(p), p);
});

test('no route answers success without a login (only the public allow-list does)', async () => {
  const opened: string[] = [];
  for (const { method, path, route } of probes()) {
    if (isPublic(method, path)) continue;
    const res = await app.request(path, { method, headers: { 'content-type': 'application/json', host: 'localhost' }, ...(method === 'GET' ? {} : { body: '{}' }) });
    if (res.status !== 401) opened.push(`${method} ${path} (route ${route}) -> ${res.status}`);
  }
  assert.deepEqual(opened, []);
});

function upgradeStatus(url: string, opts: { origin: string; headers?: Record<string, string> }): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url, opts);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('error', () => resolve(-1));
  });
}

test('no WebSocket upgrade succeeds without a login, or with a session from a foreign Origin', async () => {
  await createUser(store, 'wsuser', 'admin');
  const session = await sessionHeaders('wsuser');
  const srv = await startServer(app.fetch, injectWebSocket);
  try {
    const gets = probes().filter((p) => p.method === 'GET' && !isPublic('GET', p.path));
    for (const { path } of gets) {
      const url = srv.baseUrl.replace('http', 'ws') + path;
      assert.equal(await upgradeStatus(url, { origin: srv.baseUrl }), 401, `upgrade ${path} without login`);
      assert.equal(await upgradeStatus(url, { origin: 'https://evil.example', headers: { cookie: session.cookie ?? '' } }), 403, `upgrade ${path} from a foreign Origin`);
    }
  } finally {
    await srv.close();
  }
});

test('no state-changing route answers success to a viewer, and no admin route to an operator', async () => {
  await createUser(store, 'watcher', 'viewer');
  await createUser(store, 'oper', 'operator');
  const viewer = await sessionHeaders('watcher');
  const operator = await sessionHeaders('oper');
  const leaks: string[] = [];
  for (const { method, path, route } of probes()) {
    if (!UNSAFE.includes(method) || isPublic(method, path)) continue;
    if (!isSelfService(method, path)) {
      const res = await app.request(path, { method, headers: viewer, body: '{}' });
      if (res.status < 400) leaks.push(`viewer ${method} ${path} (route ${route}) -> ${res.status}`);
    }
    if (/^\/api\/(users|targets(\/[^/]+)?$)/.test(path)) {
      const res = await app.request(path, { method, headers: operator, body: '{}' });
      if (res.status < 400) leaks.push(`operator ${method} ${path} -> ${res.status}`);
      if (res.status !== 403) leaks.push(`operator ${method} ${path} -> ${res.status}, expected 403`);
    }
  }
  assert.deepEqual(leaks, []);
});
