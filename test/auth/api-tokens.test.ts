import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import { makeTestStore, testContext, createUser, startServer, loginForTest } from './helpers.ts';

const store = makeTestStore();
const { app, injectWebSocket } = buildApp(testContext(store));
let srv: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  await createUser(store, 'ops', 'operator');
  srv = await startServer(app.fetch, injectWebSocket);
});
after(async () => {
  await srv.close();
  store.cleanup();
});

test('token: shown once, stored hashed, works without CSRF, capped by its role, revocable', async () => {
  const s = await loginForTest(srv.baseUrl, 'ops');
  let res = await fetch(`${srv.baseUrl}/api/tokens`, { method: 'POST', headers: s.headers, body: JSON.stringify({ name: 'ci' }) });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: number; token: string; role: string };
  assert.match(created.token, /^rbt_/);
  assert.equal(created.role, 'operator');

  const listed = await (await fetch(`${srv.baseUrl}/api/tokens`, { headers: s.headers })).text();
  assert.ok(listed.includes('"ci"') && !listed.includes(created.token), 'listing never shows the token');
  const db = Buffer.concat(readdirSync(store.dir).filter((f) => f.startsWith('rescuebox.db')).map((f) => readFileSync(join(store.dir, f))));
  assert.equal(db.indexOf(created.token), -1, 'only a digest is stored');
  assert.equal(db.indexOf(s.cookie.split('=')[1] ?? 'x'), -1, 'session tokens are stored as digests too');

  const bearer = { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' };
  const me = (await (await fetch(`${srv.baseUrl}/api/me`, { headers: bearer })).json()) as { user: string; via: string; role: string };
  assert.deepEqual([me.user, me.via, me.role], ['ops', 'token', 'operator']);

  res = await fetch(`${srv.baseUrl}/api/tokens`, { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'ro', role: 'viewer' }) });
  const viewerToken = ((await res.json()) as { token: string }).token;
  res = await fetch(`${srv.baseUrl}/api/tokens`, { method: 'POST', headers: bearer, body: JSON.stringify({ name: 'up', role: 'admin' }) });
  assert.equal(res.status, 403, 'no token above its owner');
  res = await fetch(`${srv.baseUrl}/api/targets/x/test-connection`, { method: 'POST', headers: { authorization: `Bearer ${viewerToken}` } });
  assert.equal(res.status, 403, 'a viewer token cannot change state even for an operator');

  res = await fetch(`${srv.baseUrl}/api/tokens/${created.id}`, { method: 'DELETE', headers: s.headers });
  assert.equal(res.status, 204);
  res = await fetch(`${srv.baseUrl}/api/me`, { headers: bearer });
  assert.equal(res.status, 401, 'revoked');

  const audit = store.audit.query({ user: 'ops' }).map((e) => e.action);
  assert.ok(audit.includes('token.create') && audit.includes('token.revoke'));
});

test('logout ends the session; audit: operators see only their own entries', async () => {
  const s = await loginForTest(srv.baseUrl, 'ops');
  let res = await fetch(`${srv.baseUrl}/api/audit?user=admin`, { headers: s.headers });
  assert.equal(res.status, 403);
  res = await fetch(`${srv.baseUrl}/api/audit`, { headers: s.headers });
  const rows = (await res.json()) as { user: string }[];
  assert.ok(rows.length > 0 && rows.every((r) => r.user === 'ops'));
  res = await fetch(`${srv.baseUrl}/api/logout`, { method: 'POST', headers: s.headers });
  assert.equal(res.status, 204);
  res = await fetch(`${srv.baseUrl}/api/me`, { headers: s.headers });
  assert.equal(res.status, 401);
});

test('tag grants: a viewer who is operator on rack-a only', async () => {
  await createUser(store, 'rackop', 'viewer', [{ tag: 'rack-a', role: 'operator' }]);
  const admin = await (async () => {
    await createUser(store, 'boss', 'admin');
    return loginForTest(srv.baseUrl, 'boss');
  })();
  for (const [id, tag] of [['in-a', 'rack-a'], ['in-b', 'rack-b']]) {
    const res = await fetch(`${srv.baseUrl}/api/targets`, { method: 'POST', headers: admin.headers, body: JSON.stringify({ id, tags: [tag], console: { transport: 'tcp', host: 'h' } }) });
    assert.equal(res.status, 201);
  }
  const s = await loginForTest(srv.baseUrl, 'rackop');
  // The target has no BMC: 409 E_NO_BMC means the role check passed, 403 that it did not.
  let res = await fetch(`${srv.baseUrl}/api/targets/in-a/test-connection`, { method: 'POST', headers: s.headers });
  assert.equal(res.status, 409);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'E_NO_BMC');
  res = await fetch(`${srv.baseUrl}/api/targets/in-b/test-connection`, { method: 'POST', headers: s.headers });
  assert.equal(res.status, 403);
  const refused = store.audit.query({ user: 'rackop', target: 'in-b' });
  assert.equal(refused[0]?.action, 'http.refused', 'the refused attempt is on the record');
  assert.equal(refused[0]?.outcome, 'denied');
});
