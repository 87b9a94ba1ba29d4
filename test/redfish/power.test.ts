import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { chooseResetPlan } from '../../bmc-adapters/redfish/power.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import { makeCert, type TestCert } from './tls-cert.ts';

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-pow-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('power', () => {
  it('a 409 followed by the wanted state counts as success', async () => {
    const srv = new MockupServer('dell-idrac9', { resetConflictWhenAlready: true }, cert);
    const url = await srv.start();
    const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
    assert.equal(await client.power('on'), 'On');
    const posts = srv.seen.filter((r) => r.method === 'POST' && r.path.endsWith('ComputerSystem.Reset'));
    assert.deepEqual(posts.map((p) => [(p.body as { ResetType: string }).ResetType, p.status]), [['On', 409]]);
    assert.equal(await client.power('off'), 'Off');
    assert.equal(await client.power('on'), 'On');
    srv.seen.length = 0;
    assert.equal(await client.power('reset'), 'On');
    assert.equal(await client.power('soft'), 'Off');
    const types = srv.seen.filter((r) => r.method === 'POST' && r.path.endsWith('ComputerSystem.Reset')).map((p) => (p.body as { ResetType: string }).ResetType);
    assert.deepEqual(types, ['ForceRestart', 'GracefulShutdown']);
    await client.close();
    await srv.stop();
  });

  it('chooses ResetType plans from the allowable values', () => {
    assert.deepEqual(chooseResetPlan(['PowerCycle', 'ForceRestart', 'ForceOff+On'], ['On', 'ForceOff']), ['ForceOff', 'On']);
    assert.deepEqual(chooseResetPlan(['PowerCycle', 'ForceRestart'], ['ForceRestart', 'PowerCycle']), ['PowerCycle']);
    assert.equal(chooseResetPlan(['ForceOff'], ['On']), undefined);
    assert.deepEqual(chooseResetPlan(['On', 'ForceOn'], undefined), ['On']);
  });
});
