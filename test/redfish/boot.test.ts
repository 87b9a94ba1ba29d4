import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import type { MockRules } from './mockup-rules.ts';
import { makeCert, type TestCert } from './tls-cert.ts';

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-boot-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function withClient(tree: string, rules: MockRules, fn: (c: RedfishClient, s: MockupServer) => Promise<void>) {
  const srv = new MockupServer(tree, rules, cert);
  const url = await srv.start();
  const c = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
  try {
    await fn(c, srv);
  } finally {
    await c.close();
    await srv.stop();
  }
}

describe('boot override', () => {
  it('iDRAC9 before 6.00: the virtual CD is chosen by SCP import (QUIRKS D4), XML without whitespace', async () => {
    const mgr = '/redfish/v1/Managers/iDRAC.Embedded.1';
    await withClient('dell-idrac9', { overrides: { [mgr]: { FirmwareVersion: '5.10.50.00' } } }, async (c, srv) => {
      const r = await c.bootOverride({ device: 'cd' });
      assert.equal(r.boot.BootSourceOverrideTarget, 'VCD-DVD');
      const [w, ...rest] = srv.writes();
      assert.equal(rest.length, 0);
      assert.equal(w?.path, `${mgr}/Actions/Oem/EID_674_Manager.ImportSystemConfiguration`);
      const buf = (w?.body as { ImportBuffer: string }).ImportBuffer;
      assert.match(buf, /ServerBoot\.1#BootOnce">Enabled</);
      assert.match(buf, /ServerBoot\.1#FirstBootDevice">VCD-DVD</);
      // PXE is not affected: standard override.
      await c.bootOverride({ device: 'pxe' });
      assert.deepEqual(srv.writes().at(-1)?.body, { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } });
    });
  });

  it('refuses values outside the allowable lists (XCC: no Continuous)', async () => {
    await withClient('lenovo-xcc', {}, async (c, srv) => {
      await assert.rejects(c.bootOverride({ device: 'cd', persistent: true }), { code: 'E_REDFISH_UNSUPPORTED' });
      assert.equal(srv.writes().length, 0);
    });
  });
});
