import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabManager } from '../../lab/lab-manager.ts';
import type { QmpEvent } from '../../lab/vm/qmp-client.ts';
import { pollUntil } from '../helpers/poll.ts';

const dirs: string[] = [];
const managers: LabManager[] = [];
after(async () => {
  for (const m of managers) await m.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'rb-lab-mgr-'));
  dirs.push(d);
  return d;
}
function manager(dir: string): LabManager {
  const m = new LabManager({ stateDir: dir, stopDeadlineMs: 500 });
  managers.push(m);
  return m;
}
/** A process is gone once /proc has no entry or only a zombie waiting for its parent. */
function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}
function waitGone(pid: number, deadlineMs: number): Promise<void> {
  // Polling /proc is the only way to observe a process we are not the parent of.
  return pollUntil(`pid ${pid} gone`, () => gone(pid), deadlineMs);
}

test('creates, starts, lists, resets and stops a machine', async () => {
  const m = manager(stateDir());
  const vm = await m.createMachine('m1');
  assert.deepEqual(m.list(), [{ id: 'm1', power: 'off', serialPort: vm.serialPort, pid: undefined, accel: undefined }]);
  await assert.rejects(m.createMachine('m1'), (e: Error & { code?: string }) => e.code === 'E_EXISTS');
  await m.start('m1');
  const [info] = m.list();
  assert.equal(info?.power, 'on');
  assert.equal(info?.pid, vm.pid);
  assert.ok(info?.accel === 'tcg' || info?.accel === 'kvm');
  assert.equal(readFileSync(vm.pidfile, 'utf8').trim(), String(vm.pid), 'QEMU wrote its pidfile');

  const reset = new Promise<QmpEvent>((res) => vm.on('qmpEvent', (e) => e.event === 'RESET' && res(e)));
  await vm.reset();
  assert.equal((await reset).event, 'RESET');

  const pid = vm.pid as number;
  await m.stop('m1');
  assert.equal(m.list()[0]?.power, 'off');
  assert.ok(gone(pid));
  assert.ok(!existsSync(vm.pidfile));
});

test('a new manager sweeps a QEMU left behind by a forgotten one', async () => {
  const dir = stateDir();
  const old = new LabManager({ stateDir: dir }); // "forgotten": never disposed by the test
  const vm = await old.createMachine('stale');
  await vm.start();
  const pid = vm.pid as number;
  const exited = once(vm, 'exit');
  const fresh = manager(dir);
  assert.deepEqual(fresh.sweptPids, [pid]);
  await exited;
  assert.ok(gone(pid));
  assert.equal(old.list()[0]?.power, 'off');
  await old.dispose();
});

test('the sweep leaves alone a live process that is not our QEMU', () => {
  const dir = stateDir();
  mkdirSync(join(dir, 'x'));
  writeFileSync(join(dir, 'x', 'qemu.pid'), `${process.pid}\n`);
  const m = manager(dir);
  assert.deepEqual(m.sweptPids, []);
  assert.ok(!existsSync(join(dir, 'x', 'qemu.pid')), 'the stale pidfile is removed');
});

test('QEMU dies with its parent even when the parent is SIGKILLed', async () => {
  const dir = stateDir();
  const script = fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let line = '';
    for await (const chunk of child.stdout) {
      line += String(chunk);
      if (line.includes('\n')) break;
    }
    const { pid } = JSON.parse(line) as { pid: number };
    assert.ok(pid > 0 && !gone(pid));
    child.kill('SIGKILL');
    await waitGone(pid, 10_000);
  } finally {
    child.kill('SIGKILL');
  }
});

test('QEMU accepts every device layout: uefi, cdrom and pxe boots, disks on each bus', async () => {
  const dir = stateDir();
  const disks = (['virtio', 'ahci', 'ide', 'nvme'] as const).map((bus, i) => {
    const path = join(dir, `d${i}.img`);
    writeFileSync(path, Buffer.alloc(1 << 20));
    return { path, bus, format: 'raw' as const };
  });
  const m = manager(dir);
  const vm = await m.createMachine('layout', { firmware: 'uefi', disks, pxe: { tftpRoot: dir, bootfile: 'pxelinux.0' } });
  for (const device of ['cdrom', 'disk', 'pxe'] as const) {
    await vm.start({ device });
    assert.equal(vm.bootDevice, device);
    const blocks = (await vm.qmp('query-block')) as { device: string; qdev?: string }[];
    assert.equal(blocks.filter((b) => b.qdev !== undefined && !b.qdev.includes('flash')).length, 5, JSON.stringify(blocks.map((b) => b.qdev)));
    await vm.stop();
  }
  assert.ok(existsSync(join(dir, 'layout', 'OVMF_VARS_4M.fd')), 'per-VM UEFI variable store');
  vm.setBootDevice('disk');
  await vm.start();
  assert.equal(vm.bootDevice, 'disk');
  vm.setBootDevice('cdrom');
  await vm.reset(); // a different boot device: QEMU restarts
  assert.equal(vm.bootDevice, 'cdrom');
  assert.equal(vm.power, 'on');
  await vm.stop();
});

test('stop() falls back to SIGKILL when QEMU does not answer quit; a crash is seen as power off', async () => {
  const dir = stateDir();
  const m = manager(dir);
  const vm = await m.createMachine('hung');
  await vm.start();
  const pid = vm.pid as number;
  process.kill(pid, 'SIGSTOP'); // a hung QEMU: QMP quit goes unanswered
  await vm.stop();
  assert.equal(vm.power, 'off');
  assert.ok(gone(pid));

  await vm.start();
  const exited = once(vm, 'exit');
  process.kill(vm.pid as number, 'SIGKILL');
  const [exit] = (await exited) as [{ signal: string | null }];
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(m.list()[0]?.power, 'off');
});
