import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LabVm, type VmPower } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { TransportOutput } from '../tcp/transport-output.ts';

/** TCG boot takes ~8 s on an idle machine; parallel test files can make it several times slower. */
const BOOT_DEADLINE = 120_000;
const PROMPT = /lab-vm-test:[^#\r\n]*# /;

let dir: string;
let vm: LabVm;
let console_: TcpTransport;
let out: TransportOutput;
const powers: VmPower[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-lab-vm-'));
  vm = new LabVm({ id: 'lab-vm-test' }, { stateDir: join(dir, 'vm'), serialPort: await freeTcpPort() });
  vm.on('power', (p) => powers.push(p));
  console_ = new TcpTransport({ host: '127.0.0.1', port: vm.serialPort, backoff: { initialMs: 20, maxMs: 200 } });
  out = new TransportOutput(console_);
  // The console is opened before power-on, as the hub does: it retries until QEMU listens.
  const opened = console_.open();
  await vm.start();
  await opened;
});

after(async () => {
  await console_?.close();
  await vm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('boots the lab system: ready marker and a shell prompt on the serial port', async () => {
  assert.equal(vm.power, 'on');
  assert.ok(vm.pid && existsSync(`/proc/${vm.pid}`));
  assert.ok(vm.accel === 'tcg' || vm.accel === 'kvm');
  await out.waitFor('rescuebox-lab ready id=lab-vm-test', BOOT_DEADLINE);
  await out.waitFor(PROMPT, BOOT_DEADLINE);
});

test('a typed command is answered', async () => {
  const { end } = await out.waitFor(PROMPT, BOOT_DEADLINE);
  const word = `rb-${randomBytes(4).toString('hex')}`;
  // Enter as a browser terminal sends it: CR.
  assert.ok(console_.write(Buffer.from(`echo ${word}\r`)));
  await out.waitFor(new RegExp(`\\r\\n${word}\\r\\n`), 30_000, end);
});

test('virtual media: a CD image is inserted and ejected live through QMP', async () => {
  const iso = join(dir, 'media.iso');
  writeFileSync(iso, Buffer.alloc(2048 * 16));
  const inserted = () => vm.qmp('query-block') as Promise<{ device: string; qdev?: string; inserted?: { file: string } }[]>;
  await vm.insertCdrom(iso);
  const cd = (await inserted()).find((b) => b.qdev?.includes('cdrom0'));
  assert.equal(cd?.inserted?.file, iso);
  assert.equal(vm.cdrom, iso);
  await vm.ejectCdrom();
  const cd2 = (await inserted()).find((b) => b.qdev?.includes('cdrom0'));
  assert.equal(cd2?.inserted, undefined);
  assert.equal(vm.cdrom, null);
});

test('ACPI power button: the guest powers itself off, the console starts reconnecting', async () => {
  await out.waitFor(PROMPT, BOOT_DEADLINE);
  const pid = vm.pid;
  const exited = once(vm, 'exit');
  const reconnectsBefore = out.states.filter((s) => s.state === 'reconnecting').length;
  await vm.powerdown();
  await out.waitFor('rescuebox-lab powering off', 60_000);
  const [exit] = (await exited) as [{ code: number | null }];
  assert.equal(exit.code, 0, 'QEMU exits normally on guest poweroff');
  assert.equal(vm.power, 'off');
  assert.deepEqual(powers, ['on', 'off']);
  assert.ok(!existsSync(`/proc/${pid}/cmdline`) || !existsSync(vm.pidfile));
  await out.waitForState('reconnecting', 10_000, reconnectsBefore + 1);
  await assert.rejects(vm.powerdown(), (e: Error & { code?: string }) => e.code === 'E_VM_OFF');
});
