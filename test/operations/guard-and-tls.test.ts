import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { normalizeFingerprint } from '../../bmc-adapters/redfish/tls-pin.ts';
import { createUser, loginForTest } from '../auth/helpers.ts';
import { startOpsEnv, type OpsEnv } from './ops-env.ts';

/** Who may operate a target, CSRF on cookie sessions, and a changed BMC certificate refused until an admin accepts it. */
describe('operation guards and TLS pinning', () => {
  let env: OpsEnv;
  before(async () => {
    env = await startOpsEnv();
  });
  after(async () => {
    await env?.close();
  });

  test('a viewer is refused every operation route but the power read (403), and nothing changes on the BMC', async () => {
    const before = env.redfish.requests.length;
    for (const [method, path, body] of [
      ['POST', '/api/targets/rf-1/power', { action: 'on' }],
      ['POST', '/api/targets/rf-1/boot', { device: 'cd' }],
      ['POST', '/api/targets/rf-1/media', { action: 'eject' }],
      ['GET', '/api/targets/rf-1/media', undefined],
      ['POST', '/api/targets/rf-1/tls/accept', { fingerprint: 'AB'.repeat(32) }],
    ] as const) {
      const r = await env.api(method, path, env.auth.viewer, body);
      assert.equal(r.status, 403, `${method} ${path}`);
    }
    assert.equal(env.redfish.requests.length, before);
    const read = await env.api('GET', '/api/targets/rf-1/power', env.auth.viewer);
    assert.equal(read.status, 200, 'a viewer may read the power state');
    assert.equal(read.body.power, 'off');
    const changes = env.redfish.requests.slice(before).filter((q) => !q.startsWith('GET ') && !q.includes('/SessionService/'));
    assert.deepEqual(changes, [], 'the read only reads (and opens and closes its session)');
    assert.equal(env.rfMachine.power, 'off');
    assert.ok(env.store.audit.query({ user: 'watcher' }).some((r) => r.action === 'http.refused' && r.outcome === 'denied'));
  });

  test('a viewer raised to operator on the target tag may operate it', async () => {
    env.store.targets.update('rf-1', { tags: ['rack-a'] });
    await createUser(env.store, 'rackop', 'viewer', [{ tag: 'rack-a', role: 'operator' }]);
    const s = await loginForTest(env.baseUrl, 'rackop');
    const r = await fetch(`${env.baseUrl}/api/targets/rf-1/power`, { headers: { cookie: s.cookie } });
    assert.equal(r.status, 200, await r.clone().text());
    const noCsrf = await fetch(`${env.baseUrl}/api/targets/rf-1/boot`, { method: 'POST', headers: { cookie: s.cookie, origin: env.baseUrl, 'content-type': 'application/json' }, body: JSON.stringify({ device: 'pxe' }) });
    assert.equal(noCsrf.status, 403);
    assert.equal(((await noCsrf.json()) as { error: { code: string } }).error.code, 'E_CSRF');
    const ok = await fetch(`${env.baseUrl}/api/targets/rf-1/boot`, { method: 'POST', headers: s.headers, body: JSON.stringify({ device: 'pxe' }) });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(env.rfMachine.getBootOverride().device, 'pxe');
  });

  test('unknown target: 404 naming the id', async () => {
    const r = await env.api('POST', '/api/targets/nope/power', env.auth.admin, { action: 'on' });
    assert.equal(r.status, 404);
    assert.equal((r.body.error as { field: string }).field, 'id');
  });

  test('a changed certificate is refused with both fingerprints until an admin accepts the new one', async () => {
    const first = await env.api('GET', '/api/targets/rf-1/power', env.auth.op);
    assert.equal(first.status, 200);
    const pinned = normalizeFingerprint(env.redfish.fingerprint256);
    await env.replaceRedfishCert();
    const presented = normalizeFingerprint(env.redfish.fingerprint256);
    assert.notEqual(presented, pinned);
    const seenBefore = env.redfish.requests.length;

    const r = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'on' });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    const err = r.body.error as { code: string; field: string; pinned: string; presented: string; message: string };
    assert.equal(err.code, 'E_TLS_PIN_CHANGED');
    assert.equal(err.pinned, pinned);
    assert.equal(err.presented, presented);
    assert.ok(err.message.includes(pinned) && err.message.includes(presented));
    assert.equal(env.redfish.requests.length, seenBefore, 'not one request reached the new certificate');
    assert.equal(env.rfMachine.power, 'off');
    const row = env.store.audit.query({ target: 'rf-1' })[0];
    assert.equal(row?.action, 'power.on');
    assert.equal(row?.outcome, 'error');
    assert.equal(row?.detail.presented, presented);

    // Operators cannot accept; an admin accepting another fingerprint is refused too.
    assert.equal((await env.api('POST', '/api/targets/rf-1/tls/accept', env.auth.op, { fingerprint: presented })).status, 403);
    const wrong = await env.api('POST', '/api/targets/rf-1/tls/accept', env.auth.admin, { fingerprint: pinned });
    assert.equal(wrong.status, 409, JSON.stringify(wrong.body));
    const bad = await env.api('POST', '/api/targets/rf-1/tls/accept', env.auth.admin, { fingerprint: 'xyz' });
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { field: string }).field, 'fingerprint');

    const acc = await env.api('POST', '/api/targets/rf-1/tls/accept', env.auth.admin, { fingerprint: presented.toLowerCase().replace(/:/g, '') });
    assert.equal(acc.status, 200, JSON.stringify(acc.body));
    assert.equal(acc.body.pinned, presented);
    assert.equal(acc.body.previous, pinned);
    const pin = env.store.targets.get('rf-1')?.settings.redfishTls as { sha256: string; how: string };
    assert.deepEqual({ sha256: pin.sha256, how: pin.how }, { sha256: presented, how: 'accepted' });
    assert.equal(env.store.audit.query({ target: 'rf-1' }).find((x) => x.action === 'target.tls.accept' && x.outcome === 'ok')?.user, 'adm');

    const again = await env.api('POST', '/api/targets/rf-1/power', env.auth.op, { action: 'on' });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(env.rfMachine.power, 'on');
  });
});
