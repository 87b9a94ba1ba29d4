import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { startRedfishBmc, type RedfishBmc } from '../../lab/bmc/redfish/redfish-bmc.ts';
import { VmMachine } from '../../lab/bmc/vm-machine.ts';
import { repoRoot } from '../../lab/vm/lab-paths.ts';
import { LabVm } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { buildApp } from '../../server/app.ts';
import { createControllerFactory } from '../../server/bmc/controller-factory.ts';
import { FetchLog } from '../../server/media/fetch-log.ts';
import { MediaConfigSchema } from '../../server/media/media-config.ts';
import { startMediaServer, type MediaServer } from '../../server/media/media-server.ts';
import { bearerFor, captureLog, makeTestStore, startServer, testContext, type TestStore } from '../auth/helpers.ts';
import { TransportOutput } from '../tcp/transport-output.ts';

/**
 * Issue 6 end to end: the box's media server serves the rescue ISO; through
 * the operation API (RedfishController) the lab machine's Redfish BMC is told
 * to insert it, boot from CD once and power-cycle; the QEMU machine (SeaBIOS,
 * empty disk) boots the ISO and the installer's first question appears on its
 * serial console as an `RB-STEP ask` line. The media server's fetch log must
 * show the BMC's ranged reads covering the whole image.
 */
const ISO = join(repoRoot, 'rescue-image/dist/rescuebox-rescue.iso');
/** TCG boot of GRUB + kernel + initramfs; parallel test files slow it down several times. */
const BOOT_DEADLINE_MS = 150_000;
const USER = 'labadmin';
const PASSWORD = `e2e-${randomBytes(6).toString('hex')}`;

describe('virtual media end to end (Redfish, QEMU lab machine, rescue ISO)', () => {
  let dir = '';
  let store: TestStore | undefined;
  let vm: LabVm | undefined;
  let machine: VmMachine | undefined;
  let bmc: RedfishBmc | undefined;
  let media: MediaServer | undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let console_: TcpTransport | undefined;
  let out: TransportOutput;
  const fetchLog = new FetchLog();
  let isoBytes = 0;
  let op: Record<string, string> = {};

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server?.baseUrl}${path}`, { method, headers: { ...op, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    if (!existsSync(ISO)) throw new Error(`${ISO} is missing: build the rescue ISO first (npm run setup, or npm run build:rescue)`);
    dir = mkdtempSync(join(tmpdir(), 'rb-e2e-vmedia-'));
    // A snapshot of the ISO: a rebuild of rescue-image/dist during the run must not change the file under the BMC.
    const mediaDir = join(dir, 'media');
    mkdirSync(mediaDir);
    copyFileSync(ISO, join(mediaDir, 'rescuebox-rescue.iso'));
    isoBytes = statSync(join(mediaDir, 'rescuebox-rescue.iso')).size;
    const disk = join(dir, 'disk.img');
    // Sparse empty disk: the installer must find "empty" and ask where to install.
    writeFileSync(disk, '');
    truncateSync(disk, 512 * 1024 * 1024);

    vm = new LabVm({ id: 'e2e-vmedia', firmware: 'bios', memoryMb: 512, disks: [{ path: disk, format: 'raw', bus: 'virtio' }] }, { stateDir: join(dir, 'vm'), serialPort: await freeTcpPort() });
    machine = new VmMachine(vm, { defaultBoot: 'disk' });
    // QEMU's serial chardev takes one client. The Redfish BMC has no use for the
    // machine's serial history, so its bridge is released and the box's own
    // console transport (as for a tcp console target) reads the port instead.
    await machine.close();
    bmc = await startRedfishBmc({ machine, users: { [USER]: PASSWORD }, stateDir: join(dir, 'bmc') });

    const logs = captureLog();
    media = await startMediaServer({ config: MediaConfigSchema.parse({ dir: mediaDir, listen: { host: '127.0.0.1', port: 0 } }), key: randomBytes(32), fetchLog, log: logs.log });
    store = makeTestStore();
    store.targets.create({ id: 'lab-e2e', tags: [], settings: {}, bmc: { protocol: 'redfish', address: '127.0.0.1', port: bmc.port, user: USER, password: PASSWORD }, console: { transport: 'tcp', host: '127.0.0.1', port: vm.serialPort } });
    const controllers = createControllerFactory({ targets: store.targets, log: logs.log, pollMs: 200, powerTimeoutMs: 60_000 });
    const { app } = buildApp(testContext(store, { log: logs.log, operations: { controllers, media: { media, fetchLog } } }));
    server = await startServer(app.fetch);
    op = await bearerFor(store, 'operator1', 'operator');

    console_ = new TcpTransport({ host: '127.0.0.1', port: vm.serialPort, telnet: 'off', backoff: { initialMs: 20, maxMs: 250 } });
    out = new TransportOutput(console_);
    void console_.open().catch(() => undefined); // connects once QEMU listens, reconnects across the power cycle
  });

  after(async () => {
    await console_?.close();
    const pid = vm?.pid;
    await vm?.stop().catch(() => undefined);
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await server?.close();
    await bmc?.close();
    await media?.close();
    store?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('insert the rescue ISO, boot Cd once, power-cycle: the installer asks its first question on the console', async () => {
    // The machine is running (from its empty disk) before the operator steps in.
    let r = await api('POST', '/api/targets/lab-e2e/power', { action: 'on' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(vm?.bootDevice, 'disk');

    r = await api('POST', '/api/targets/lab-e2e/media', { action: 'insert', file: 'rescuebox-rescue.iso' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((r.body.slot as { inserted: boolean }).inserted, true);

    r = await api('POST', '/api/targets/lab-e2e/boot', { device: 'cd' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.bmcValue, 'Cd');

    const from = out.text.length;
    r = await api('POST', '/api/targets/lab-e2e/power', { action: 'cycle' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.power, 'on');
    assert.equal(vm?.bootDevice, 'cdrom', 'the one-time override was used by the cycle');
    assert.equal(machine?.getBootOverride().device, 'none', 'and then cleared');

    await out.waitFor('RB-STEP grub ok entry=install', BOOT_DEADLINE_MS, from);
    await out.waitFor(/RB-STEP boot ok /, BOOT_DEADLINE_MS, from);
    const ask = await out.waitFor(/RB-STEP ask name=disk default=\/dev\/\w+/, BOOT_DEADLINE_MS, from);
    assert.ok(ask.end > from);

    // The BMC read the image from the box's media server in ranges, all of it.
    const fetches = fetchLog.list({ target: 'lab-e2e' });
    const ranged = fetches.filter((f) => f.method === 'GET' && f.status === 206);
    assert.ok(ranged.length >= 2, `ranged GETs by the BMC: ${ranged.length}`);
    assert.ok(fetches.every((f) => f.file === 'rescuebox-rescue.iso'));
    const st = await api('GET', '/api/targets/lab-e2e/media');
    assert.equal(st.status, 200);
    const sum = (st.body.fetches as { bytesCovered: number; fileSize: number; text: string }[])[0];
    assert.equal(sum?.fileSize, isoBytes);
    assert.equal(sum?.bytesCovered, isoBytes);
    assert.match(sum?.text ?? '', /^the BMC has read (\d+) of \1 MB/);

    const actions = store?.audit.query({ target: 'lab-e2e' }).filter((a) => a.outcome === 'ok').map((a) => a.action) ?? [];
    for (const a of ['power.on', 'media.insert', 'boot.set', 'power.cycle']) assert.ok(actions.includes(a), `audit ${a}`);
  });
});
