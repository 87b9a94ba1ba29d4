import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createNodeWebSocket } from '@hono/node-ws';
import { buildApp } from '../../server/app.ts';
import { makeTestStore, testContext, createUser, startServer, loginForTest, bearerFor } from './helpers.ts';

const store = makeTestStore();
const { app } = buildApp(testContext(store));
// A WebSocket route added after buildApp, like the console route: the auth middleware must still guard it.
const ws = createNodeWebSocket({ app });
app.get('/api/test/ws', ws.upgradeWebSocket(() => ({ onOpen: (_e, sock) => sock.send('hello') })));
let srv: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  await createUser(store, 'ada', 'admin');
  srv = await startServer(app.fetch, ws.injectWebSocket);
});
after(async () => {
  await srv.close();
  store.cleanup();
});

const target = (id: string) => JSON.stringify({ id, console: { transport: 'tcp', host: '127.0.0.1', port: 2323 } });

test('unsafe methods need the session-bound CSRF header and a same Origin', async () => {
  const s = await loginForTest(srv.baseUrl, 'ada');
  const other = await loginForTest(srv.baseUrl, 'ada');
  const post = (headers: Record<string, string>, id: string) => fetch(`${srv.baseUrl}/api/targets`, { method: 'POST', headers, body: target(id) });

  const { 'x-csrf-token': _omit, ...noCsrf } = s.headers;
  let res = await post(noCsrf, 't1');
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: { code: string; field: string } }).error.field, 'x-csrf-token');

  res = await post({ ...s.headers, 'x-csrf-token': other.csrf }, 't1');
  assert.equal(res.status, 403, 'a CSRF token from another session is refused');

  res = await post({ ...s.headers, origin: 'https://evil.example' }, 't1');
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'E_ORIGIN');

  res = await post(s.headers, 't1');
  assert.equal(res.status, 201, await res.text());
});

test('login from a foreign Origin is refused (login CSRF)', async () => {
  const res = await fetch(`${srv.baseUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify({ username: 'ada', password: 'x' }) });
  assert.equal(res.status, 403);
});

test('session cookie is HttpOnly, Secure, SameSite=Strict', async () => {
  const res = await fetch(`${srv.baseUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'correct horse battery staple' }) });
  const c = res.headers.get('set-cookie') ?? '';
  assert.match(c, /HttpOnly/);
  assert.match(c, /Secure/);
  assert.match(c, /SameSite=Strict/);
});

function upgrade(headers: Record<string, string>, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const sock = new WebSocket(`${srv.baseUrl.replace('http', 'ws')}/api/test/ws`, { headers, ...(origin ? { origin } : {}) });
    sock.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    sock.on('message', () => (sock.close(), resolve(101)));
    sock.on('error', () => resolve(-1));
  });
}

test('WebSocket upgrade: same Origin with a session opens; foreign or missing Origin is refused', async () => {
  const s = await loginForTest(srv.baseUrl, 'ada');
  assert.equal(await upgrade({ cookie: s.cookie }, srv.baseUrl), 101);
  assert.equal(await upgrade({ cookie: s.cookie }, 'https://evil.example'), 403);
  assert.equal(await upgrade({ cookie: s.cookie }, `http://localhost:1`), 403);
  assert.equal(await upgrade({ cookie: s.cookie }), 403, 'no Origin with a cookie');
  assert.equal(await upgrade({}, srv.baseUrl), 401);
  const bearer = await bearerFor(store, 'ada', 'admin');
  assert.equal(await upgrade(bearer), 101, 'automation with a Bearer token needs no Origin');
});
