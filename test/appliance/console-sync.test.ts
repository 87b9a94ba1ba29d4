/** The hub follows the stored targets: attach on create, rebuild on console change, keep on a pin write, drop on delete. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleHub } from '../../server/console/console-hub.ts';
import { ConsoleSync } from '../../server/targets/console-sync.ts';
import { createLogger } from '../../server/log.ts';
import type { StoredTarget } from '../../server/targets/target-repo.ts';
import { loadConfig } from '../../server/config.ts';
import { FakeTransport } from '../console/helpers/fake-transport.ts';
import { makeTestStore } from '../auth/helpers.ts';

const store = makeTestStore();
const hub = new ConsoleHub({ console: loadConfig({ raw: {}, env: {} }).console, dataDir: null });
after(async () => {
  await hub.close();
  store.cleanup();
});

test('console sessions follow target create, update, pin write and delete', async () => {
  const built: { id: string; port: number | undefined; password: string | undefined }[] = [];
  const sync = new ConsoleSync(hub, store.targets, createLogger({ level: 'silent' }), (t: StoredTarget, creds) => {
    built.push({ id: t.id, port: t.console.port, password: creds.password });
    return new FakeTransport();
  });
  store.targets.create({ id: 'before', tags: [], bmc: { protocol: 'none' }, console: { transport: 'tcp', host: '127.0.0.1', port: 1000 }, settings: {} });
  await sync.start();
  assert.deepEqual(hub.ids(), ['before']);

  store.targets.create({ id: 'sol', tags: ['rack-a'], bmc: { protocol: 'ipmi', address: '127.0.0.1', port: 623, user: 'admin', password: 'pw-1' }, console: { transport: 'ipmi-sol' }, settings: {} });
  await sync.settled();
  assert.deepEqual(hub.ids().sort(), ['before', 'sol']);
  assert.equal(built.at(-1)?.password, 'pw-1', 'the factory receives the decrypted password');

  const first = hub.get('sol');
  store.targets.update('sol', { settings: { redfishTls: { fingerprint256: 'AA:BB' } } });
  await sync.settled();
  assert.equal(hub.get('sol'), first, 'writing the TLS pin does not drop the console');

  store.targets.update('sol', { bmc: { protocol: 'ipmi', address: '127.0.0.1', port: 623, user: 'admin', password: 'pw-2' } });
  await sync.settled();
  assert.notEqual(hub.get('sol'), first, 'a new BMC password rebuilds the console');
  assert.equal(built.at(-1)?.password, 'pw-2');

  store.targets.update('before', { console: { transport: 'tcp', host: '127.0.0.1', port: 2000 } });
  await sync.settled();
  assert.equal(built.at(-1)?.port, 2000);

  store.targets.delete('before');
  await sync.settled();
  assert.deepEqual(hub.ids(), ['sol']);
  sync.stop();
});

test('a target whose console cannot be built is left out, the others carry on', async () => {
  const sync = new ConsoleSync(hub, store.targets, createLogger({ level: 'silent' }), (t: StoredTarget) => {
    if (t.id === 'broken') throw new Error('no such device');
    return new FakeTransport();
  });
  await sync.start();
  store.targets.create({ id: 'broken', tags: [], bmc: { protocol: 'none' }, console: { transport: 'serial', device: '/dev/ttyS9' }, settings: {} });
  store.targets.create({ id: 'fine', tags: [], bmc: { protocol: 'none' }, console: { transport: 'tcp', host: '127.0.0.1', port: 3000 }, settings: {} });
  await sync.settled();
  assert.ok(hub.get('fine'));
  assert.equal(hub.get('broken'), undefined);
  sync.stop();
});
