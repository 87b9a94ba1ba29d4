import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../server/app.ts';
import type { TargetProber, TargetCredentials } from '../../server/targets/prober.ts';
import { makeTestStore, testContext, bearerFor, captureLog } from './helpers.ts';

const BMC_PASSWORD = 'bmc-Pa55-' + Math.random().toString(36).slice(2);
const KG = 'a1b2c3d4e5f60718293a';
const store = makeTestStore();
after(() => store.cleanup());
const logs = captureLog();
let seen: TargetCredentials | undefined;
const probeTarget: TargetProber = async (_t, creds) => {
  seen = creds;
  logs.log.info({ bmc: { user: 'root', password: creds.password, kg: creds.kg } }, 'probing');
  return { ok: true, protocol: 'ipmi', cipherSuite: 17, vendor: 'Lab', capabilities: { console: ['ipmi-sol'], power: true, boot: true, media: false } };
};
const { app } = buildApp(testContext(store, { log: logs.log, probeTarget }));

function allDbBytes(): Buffer {
  return Buffer.concat(readdirSync(store.dir).filter((f) => f.startsWith('rescuebox.db')).map((f) => readFileSync(join(store.dir, f))));
}

test('BMC password and K_g: encrypted at rest, never returned, never logged, handed to the prober', async () => {
  const admin = { ...(await bearerFor(store, 'ada', 'admin')), 'content-type': 'application/json' };
  const body = { id: 'web-1', tags: ['rack-a'], bmc: { protocol: 'ipmi', address: '10.0.0.5', user: 'root', password: BMC_PASSWORD, kg: KG }, console: { transport: 'ipmi-sol' } };
  logs.log.info({ body }, 'target create request');
  const res = await app.request('/api/targets', { method: 'POST', headers: admin, body: JSON.stringify(body) });
  const created = await res.text();
  assert.equal(res.status, 201, created);
  assert.ok(!created.includes(BMC_PASSWORD));
  assert.match(created, /"hasPassword":true/);

  const probe = await app.request('/api/targets/web-1/test-connection', { method: 'POST', headers: admin });
  assert.equal(probe.status, 200);
  assert.deepEqual(seen, { password: BMC_PASSWORD, kg: KG });
  const stored = (await (await app.request('/api/targets/web-1', { headers: admin })).json()) as { capabilities: { power: boolean; probe: { cipherSuite: number } } };
  assert.equal(stored.capabilities.power, true);
  assert.equal(stored.capabilities.probe.cipherSuite, 17);

  for (const path of ['/api/targets', '/api/targets/web-1', '/api/audit']) {
    const text = await (await app.request(path, { headers: admin })).text();
    assert.ok(!text.includes(BMC_PASSWORD) && !text.includes(KG), path);
  }
  const bytes = allDbBytes();
  assert.ok(bytes.length > 0);
  assert.equal(bytes.indexOf(BMC_PASSWORD), -1, 'database files hold no plaintext password');
  assert.equal(bytes.indexOf(KG), -1);
  assert.ok(!logs.text().includes(BMC_PASSWORD) && !logs.text().includes(KG), 'log output is redacted');
  assert.equal(store.targets.credentials('web-1').password, BMC_PASSWORD, 'and it decrypts with the key');
});

test('key file and database are owner-only; a wrong key cannot decrypt', async () => {
  assert.equal(statSync(join(store.dir, 'secret.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(store.dir, 'rescuebox.db')).mode & 0o777, 0o600);
  const { SecretStore } = await import('../../server/secrets/secret-store.ts');
  const wrong = new SecretStore(store.db, Buffer.alloc(32, 7));
  assert.throws(() => wrong.get('web-1', 'bmc-password'), { code: 'E_SECRET_DECRYPT' });
});

test('validation errors name the field', async () => {
  const admin = { ...(await bearerFor(store, 'ada2', 'admin')), 'content-type': 'application/json' };
  const cases: [unknown, string][] = [
    [{ id: 'Bad Id', console: { transport: 'tcp', host: 'h' } }, 'id'],
    [{ id: 'ok-1', console: { transport: 'tcp' } }, 'console.host'],
    [{ id: 'ok-1', bmc: { protocol: 'redfish' }, console: { transport: 'tcp', host: 'h' } }, 'bmc.address'],
    [{ id: 'ok-1', bmc: { protocol: 'ipmi', address: 'h', port: 70000 }, console: { transport: 'tcp', host: 'h' } }, 'bmc.port'],
    [{ id: 'ok-1', console: { transport: 'tcp', host: 'h' }, colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    const res = await app.request('/api/targets', { method: 'POST', headers: admin, body: JSON.stringify(body) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { field: string } }).error.field, field);
  }
});
