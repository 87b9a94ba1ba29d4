import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import { RULES } from './mockup-rules.ts';
import { makeCert, type TestCert } from './tls-cert.ts';

const HTTP_URL = 'http://192.0.2.10:8081/media/t/tok/rescue.iso';
const HTTPS_URL = 'https://192.0.2.10:8443/media/t/tok/rescue.iso';

type Write = { method: string; path: string; body: unknown };

/**
 * Expected behaviour per captured tree, read off QUIRKS.md: which family is
 * detected, where the one-time boot lands and with what body, which slot takes
 * the ISO and with which requests, and how it is ejected. `media: string` is
 * the error code expected when the tree has no usable slot.
 */
interface Expect {
  family: string;
  /** ResetType sequence for "power cycle" (a machine that is Off is just switched on). */
  cycle: string[];
  boot: Write[];
  url?: string;
  insert: Write[] | string;
  eject?: Write[];
}

const sys = (id: string) => `/redfish/v1/Systems/${id}`;
const once = (target: string, extra: Record<string, unknown> = {}) => ({ Boot: { BootSourceOverrideTarget: target, BootSourceOverrideEnabled: 'Once', ...extra } });
const act = (slot: string, a: string) => `${slot}/Actions/VirtualMedia.${a}`;

const D9 = sys('System.Embedded.1');
const EXPECT: Record<string, Expect> = {
  'dell-idrac9': {
    cycle: ['PowerCycle'],
    family: 'dell',
    boot: [{ method: 'PATCH', path: D9, body: once('Cd') }],
    insert: [{ method: 'POST', path: act(`${D9}/VirtualMedia/1`, 'InsertMedia'), body: { Image: HTTP_URL, TransferProtocolType: 'HTTP' } }],
    eject: [{ method: 'POST', path: act(`${D9}/VirtualMedia/1`, 'EjectMedia'), body: {} }],
  },
  'dell-idrac10': {
    cycle: ['ForceRestart'],
    family: 'dell',
    // D5: the System refuses Boot; the override goes to the Settings object. (D4's OEM virtual-CD path needs the
    // ImportSystemConfiguration action, which this abridged capture's Manager does not advertise: see boot.test.ts.)
    boot: [
      { method: 'PATCH', path: D9, body: once('Cd') },
      { method: 'PATCH', path: `${D9}/Settings`, body: once('Cd') },
    ],
    insert: [{ method: 'POST', path: act(`${D9}/VirtualMedia/1`, 'InsertMedia'), body: { Image: HTTP_URL, TransferProtocolType: 'HTTP' } }],
    eject: [{ method: 'POST', path: act(`${D9}/VirtualMedia/1`, 'EjectMedia'), body: {} }],
  },
  'hpe-ilo5': {
    cycle: ['ForceOff', 'On'],
    family: 'hpe',
    boot: [{ method: 'PATCH', path: sys('1'), body: once('Cd') }],
    insert: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/2', 'InsertMedia'), body: { Image: HTTP_URL } }],
    eject: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/2', 'EjectMedia'), body: {} }],
  },
  'hpe-ilo6': {
    cycle: ['ForceOff', 'On'],
    family: 'hpe',
    boot: [{ method: 'PATCH', path: sys('1'), body: once('Cd') }],
    insert: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/2', 'InsertMedia'), body: { Image: HTTP_URL } }],
    eject: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/2', 'EjectMedia'), body: {} }],
  },
  'lenovo-xcc': {
    cycle: ['ForceOff', 'On'],
    family: 'lenovo',
    boot: [{ method: 'PATCH', path: sys('1'), body: once('Cd') }],
    insert: [{ method: 'PATCH', path: '/redfish/v1/Managers/1/VirtualMedia/EXT1', body: { Image: HTTP_URL, Inserted: true, WriteProtected: true } }],
    eject: [{ method: 'PATCH', path: '/redfish/v1/Managers/1/VirtualMedia/EXT1', body: { Image: null, Inserted: false } }],
  },
  'lenovo-xcc2': { cycle: ['On'], family: 'lenovo', boot: [{ method: 'PATCH', path: sys('1'), body: once('Cd') }], insert: 'E_REDFISH_NO_MEDIA_SLOT' },
  // S5: X10 has only the OEM VM1/CfgCD flow, which this client does not implement.
  'supermicro-x10': { cycle: ['ForceRestart'], family: 'supermicro', boot: [{ method: 'PATCH', path: sys('1'), body: once('UsbCd') }], insert: 'E_REDFISH_NO_MEDIA_SLOT' },
  'supermicro-x12': { cycle: ['ForceRestart'], family: 'supermicro', boot: [{ method: 'PATCH', path: sys('1'), body: once('UsbCd', { BootSourceOverrideMode: 'UEFI' }) }], insert: 'E_REDFISH_NO_MEDIA_SLOT' },
  'supermicro-x13': {
    cycle: ['PowerCycle'],
    family: 'supermicro',
    boot: [{ method: 'PATCH', path: sys('1'), body: once('UsbCd', { BootSourceOverrideMode: 'UEFI' }) }],
    insert: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/VirtualMedia1', 'InsertMedia'), body: { Image: HTTP_URL } }],
    eject: [{ method: 'POST', path: act('/redfish/v1/Managers/1/VirtualMedia/VirtualMedia1', 'EjectMedia'), body: {} }],
  },
  'ami-megarac-nvidia-dgxh100': {
    cycle: ['ForceOff', 'On'],
    family: 'ami',
    boot: [{ method: 'PATCH', path: `${sys('DGX')}/SD`, body: once('Cd', { BootSourceOverrideMode: 'UEFI' }) }],
    insert: [
      { method: 'POST', path: '/redfish/v1/Managers/BMC/Actions/Oem/AMIVirtualMedia.EnableRMedia', body: { RMediaState: 'Enable' } },
      { method: 'POST', path: act('/redfish/v1/Managers/BMC/VirtualMedia/CD1', 'InsertMedia'), body: { Image: HTTP_URL, TransferProtocolType: 'HTTP' } },
      {
        method: 'POST',
        path: act('/redfish/v1/Managers/BMC/VirtualMedia/CD1', 'InsertMedia'),
        body: { Image: HTTP_URL, TransferProtocolType: 'HTTP', UserName: 'rescuebox', Password: 'rescuebox' },
      },
    ],
    eject: [{ method: 'POST', path: act('/redfish/v1/Managers/BMC/VirtualMedia/CD1', 'EjectMedia'), body: {} }],
  },
  'openbmc-bmcweb': { cycle: ['On'], family: 'openbmc', boot: [{ method: 'PATCH', path: sys('system'), body: once('Cd') }], url: HTTPS_URL, insert: 'E_REDFISH_NO_MEDIA_SLOT' },
  'openbmc-nvidia-gb200': {
    cycle: ['PowerCycle'],
    family: 'openbmc',
    boot: [{ method: 'PATCH', path: sys('System_0'), body: once('Cd') }],
    url: HTTPS_URL,
    insert: [
      {
        method: 'POST',
        path: act('/redfish/v1/Managers/BMC_0/VirtualMedia/USB1', 'InsertMedia'),
        body: { Image: HTTPS_URL, TransferProtocolType: 'HTTPS', TransferMethod: 'Stream', Inserted: true },
      },
    ],
    eject: [{ method: 'POST', path: act('/redfish/v1/Managers/BMC_0/VirtualMedia/USB1', 'EjectMedia'), body: {} }],
  },
  // The only CD slot is held by an Applet session: taking it over would cut someone off.
  'dmtf-public-rackmount1': { cycle: ['ForceRestart'], family: 'dmtf', boot: [{ method: 'PATCH', path: sys('437XR1138R2'), body: once('Cd') }], insert: 'E_REDFISH_MEDIA_BUSY' },
};

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-mock-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const strip = (ws: { method: string; path: string; body: unknown }[]) => ws.map(({ method, path, body }) => ({ method, path, body }));

describe('vendor mockups', () => {
  for (const [tree, exp] of Object.entries(EXPECT)) {
    it(`${tree}: discover, power cycle, boot once, insert + eject media`, async () => {
      const srv = new MockupServer(tree, RULES[tree] ?? {}, cert);
      const url = await srv.start();
      const clock = new FakeClock();
      const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock });
      try {
        assert.equal(client.family, exp.family);
        assert.equal(await client.power('cycle', { pollMs: 10 }), 'On');
        const resets = srv.writes().filter((w) => w.path.endsWith('ComputerSystem.Reset'));
        assert.deepEqual(resets.map((w) => (w.body as { ResetType: string }).ResetType), exp.cycle, 'reset types');
        srv.seen.length = 0;
        await client.bootOverride({ device: 'cd' });
        assert.deepEqual(strip(srv.writes()), exp.boot, 'boot requests');
        srv.seen.length = 0;

        const image = exp.url ?? HTTP_URL;
        if (typeof exp.insert === 'string') {
          await assert.rejects(client.mediaInsert(image), (e: Error & { code?: string }) => e.code === exp.insert);
          return;
        }
        const slot = await client.mediaInsert(image);
        assert.equal(slot.image, image);
        assert.deepEqual(strip(srv.writes().filter((w) => w.status < 300 || w.method === 'POST' || w.method === 'PATCH')), exp.insert, 'insert requests');
        srv.seen.length = 0;
        const ejected = await client.mediaEject();
        assert.equal(ejected.length, 1);
        assert.deepEqual(strip(srv.writes()), exp.eject, 'eject requests');
        const after = await client.mediaStatus();
        assert.ok(after.every((s) => s.image !== image || !s.inserted), 'read back: no slot holds the image');
      } finally {
        await client.close();
        await srv.stop();
      }
    });
  }
});
