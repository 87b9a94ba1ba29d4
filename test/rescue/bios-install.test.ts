/**
 * Legacy BIOS (SeaBIOS): the ISO boots to the installer prompt, a fresh install
 * is typed over the serial console with Enter presses plus the IP address only,
 * the disk boots through the BIOS boot partition's GRUB core image, an update
 * runs, and the GRUB menu's rollback entry (chosen over serial) brings slot A back.
 * Then the installer's own rollback, driven by an answer file over HTTP, and the
 * rescue shell (data checked and mounted read-only).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Vm, VmOptions } from './qemu-runner.ts';
import { KERNEL_APPEND, expectSystemUp, initrd, iso, kernel, makeDisk } from './helpers.ts';
import { rescueSuite } from './suite.ts';

describe('rescue image under legacy BIOS: typed install, boot, GRUB menu rollback', { timeout: 1_800_000 }, () => {
  const s = rescueSuite('bios', { serve: () => ({ 'rollback.txt': '# answer file\nauto=1\naction=rollback\nend=poweroff\n' }) });
  let disk = '';
  const start = (o: Partial<VmOptions>, name: string): Vm => s.vm({ firmware: 'bios', disks: [disk], ...o }, name);

  before(() => {
    disk = makeDisk(join(s.dir, 'disk.img'), 512);
  });

  it('installs v1 from the ISO with five Enter presses plus the IP address', async () => {
    const vm = start({ iso, bootCdrom: true, noReboot: true, fwCmdline: `rb.image=${s.srv.url('system-v1.img')}` }, 'install');
    const ip = '10.0.2.15/24';
    const answers: Record<string, string> = { disk: '\r', confirm: '\r', hostname: '\r', ip: `${ip}\r`, gw: '\r' };
    for (const [q, keys] of Object.entries(answers)) {
      await vm.expect(`RB-STEP ask name=${q} `);
      vm.type(keys);
    }
    await vm.expect(/RB-STEP done slot=A version=1 disk=\/dev\/vda/, 300_000);
    assert.equal(vm.keystrokes.other, ip.length, 'apart from Enter, only the IP address was typed');
    assert.ok(vm.keystrokes.enter <= 5, `at most five Enter presses, got ${vm.keystrokes.enter}`);
    await vm.exited;
    // The installer writes the GPT itself (busybox printf/dd/crc32): util-linux's sfdisk checks it.
    assert.match(execFileSync('sfdisk', ['--verify', disk], { encoding: 'utf8' }), /No errors detected/);
    const table = JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as
      { partitiontable: { label: string; partitions: { start: number; size: number; type: string; name: string }[] } };
    assert.equal(table.partitiontable.label, 'gpt');
    const parts = table.partitiontable.partitions;
    assert.deepEqual(parts.map((p) => p.name.replace(/-[0-9a-f]{8}$/, '')), ['rb-esp', 'rb-A', 'rb-B', 'rb-data', 'rb-bios']);
    assert.deepEqual(parts.map((p) => p.type), ['C12A7328-F81F-11D2-BA4B-00A0C93EC93B', ...Array<string>(3).fill('0FC63DAF-8483-4772-8E79-3D69D8477DE4'), '21686148-6449-6E6F-744E-656564454649']);
    assert.deepEqual([parts[0]?.start, parts[0]?.size, parts[4]?.start, parts[4]?.size], [4096, 131072, 2048, 2048]);
  });

  it('boots slot A from the disk through the BIOS boot partition', async () => {
    const vm = start({}, 'boot-a');
    await expectSystemUp(vm, 'A', '1');
    assert.match(await vm.sh('ip -4 addr show'), /10\.0\.2\.15\/24/);
    await vm.kill();
  });

  it('updates to v2, then rolls back to slot A from the GRUB menu over serial', async () => {
    const inst = start({ noReboot: true, kernel: { kernel, initrd, append: KERNEL_APPEND },
      fwCmdline: `rb.auto=1 rb.image=${s.srv.url('system-v2.img')} rb.end=poweroff` }, 'update');
    await inst.expect(/RB-STEP done slot=B version=2 trial=1/, 300_000);
    await inst.exited;
    const vm = start({}, 'boot-b');
    await vm.expect('RB-SYSTEM confirmed slot=B version=2', 300_000);
    await expectSystemUp(vm, 'B', '2');
    vm.type('reboot -f\r');
    // GRUB draws its menu on the serial port; stop the countdown and pick the last entry
    await vm.expect('rescuebox rollback: make slot A the default', 300_000);
    vm.type('\x1b[B\x1b[B\x1b[B');
    vm.type('\r');
    await expectSystemUp(vm, 'A', '1');
    assert.match(await vm.sh('rb-slot status'), /RB-STATE default=A trial= /);
    await vm.kill();
  });

  it('rolls back from the installer, unattended, with an answer file fetched over HTTP', async () => {
    const vm = start({ noReboot: true, kernel: { kernel, initrd, append: KERNEL_APPEND }, fwCmdline: `rb.answers=${s.srv.url('rollback.txt')}` }, 'rollback');
    await vm.expect('RB-STEP answers ok', 300_000);
    await vm.expect(/RB-STEP done slot=B version=2 rollback=1/, 300_000);
    await vm.exited;
  });

  it('opens the rescue shell with the data partition checked and mounted read-only', async () => {
    const vm = start({ kernel: { kernel, initrd, append: `${KERNEL_APPEND} rb.action=shell` } }, 'shell');
    await vm.expect(/RB-STATE default=B /, 300_000);
    await vm.expect(/RB-STEP fsck ok dev=\/dev\/vda4/, 120_000);
    await vm.expect('data mounted read-only at /mnt/data', 60_000);
    await vm.expect('RB-STEP shell ready', 60_000);
    assert.match(await vm.sh('touch /mnt/data/x 2>&1'), /Read-only file system/);
    await vm.kill();
  });
});
