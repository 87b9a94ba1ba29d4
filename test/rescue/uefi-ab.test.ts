/**
 * One disk under UEFI (OVMF), walked through the whole A/B life in sequence:
 * unattended fresh install (registers the UEFI boot entry) -> slot A boots v1 -> interactive update typed over
 * serial (Enter only) -> slot B boots v2 and confirms its trial -> rollback with
 * `rb-slot rollback` -> slot A -> broken update -> N failed tries -> GRUB falls
 * back to A and the system prints RB-FALLBACK. A file on the data partition
 * keeps its checksum throughout; a second disk is never touched.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Vm, VmOptions } from './qemu-runner.ts';
import { KERNEL_APPEND, expectSystemUp, initrd, iso, kernel, makeDisk, makeForeignDisk, sha256File } from './helpers.ts';
import { rescueSuite } from './suite.ts';

describe('rescue image under UEFI: install, update, rollback, fallback on one disk', { timeout: 1_800_000 }, () => {
  const s = rescueSuite('uefi');
  let disk = '';
  let other = '';
  let otherSha = '';
  let dataSha = '';
  const start = (o: Partial<VmOptions>, name: string): Vm => s.vm({ firmware: 'uefi', disks: [disk, other], ...o }, name);

  before(async () => {
    disk = makeDisk(join(s.dir, 'disk.img'), 512);
    other = makeForeignDisk(join(s.dir, 'other.img'), 64);
    otherSha = await sha256File(other);
  });

  it('boots the ISO under OVMF and installs v1 unattended into slot A', async () => {
    const vm = start({ iso, bootCdrom: true, noReboot: true,
      fwCmdline: `rb.auto=1 rb.image=${s.srv.url('system-v1.img')} rb.disk=/dev/vda rb.hostname=box1 rb.ip=10.0.2.15/24 rb.gw=10.0.2.2 rb.end=poweroff` }, 'install');
    await vm.expect('RB-STEP boot ok');
    await vm.expect(/RB-STEP scan ok installs=0 empty=1 other=1/, 60_000);
    const efiboot = await vm.expect(/RB-STEP efiboot [^\r\n]*\r?\n/, 300_000);
    assert.match(efiboot[0], /^RB-STEP efiboot ok entry=Boot[0-9A-F]{4}\b/);
    await vm.expect(/RB-STEP done slot=A version=1 disk=\/dev\/vda/, 300_000);
    await vm.exited;
    // The entry reached OVMF's NVRAM: the per-VM writable vars copy holds its UTF-16 label.
    assert.ok(readFileSync(join(s.dir, 'OVMF_VARS.fd')).includes(Buffer.from('rescuebox\0', 'utf16le')), 'boot entry in NVRAM');
  });

  it('boots slot A (v1) from the disk and writes a data file', async () => {
    const vm = start({}, 'boot-a');
    // OVMF follows the entry the installer wrote into efivarfs (first in BootOrder).
    await vm.expect(/BdsDxe: starting Boot[0-9A-F]{4} "rescuebox" from HD\(1,GPT,[0-9A-Fa-f-]{36},0x1000,0x20000\)\/\\EFI\\BOOT\\BOOTX64\.EFI/, 120_000);
    await expectSystemUp(vm, 'A', '1');
    const out = await vm.sh('head -c 300000 /dev/urandom > /data/file && sync && sha256sum /data/file');
    dataSha = /([0-9a-f]{64})/.exec(out)?.[1] ?? '';
    assert.match(dataSha, /^[0-9a-f]{64}$/);
    await vm.kill();
  });

  it('updates to v2 from the ISO with Enter presses only (trial in slot B)', async () => {
    const vm = start({ iso, bootCdrom: true, noReboot: true, fwCmdline: `rb.image=${s.srv.url('system-v2.img')}` }, 'update');
    for (const q of ['action', 'keepconfig', 'confirm']) {
      await vm.expect(`RB-STEP ask name=${q} `);
      vm.type('\r');
    }
    await vm.expect(/RB-STEP done slot=B version=2 trial=1/, 300_000);
    assert.equal(vm.keystrokes.other, 0, 'only Enter presses');
    assert.ok(vm.keystrokes.enter <= 4, `at most four Enter presses, got ${vm.keystrokes.enter}`);
    await vm.exited;
  });

  it('boots slot B (v2), confirms it, rolls back with rb-slot and boots slot A again', async () => {
    const vm = start({}, 'boot-b');
    await vm.expect('RB-SYSTEM confirmed slot=B version=2', 300_000);
    await expectSystemUp(vm, 'B', '2');
    assert.match(await vm.sh('sha256sum /data/file'), new RegExp(dataSha));
    assert.match(await vm.sh('rb-slot rollback'), /RB-SYSTEM rollback default=A/);
    vm.type('reboot -f\r');
    await expectSystemUp(vm, 'A', '1');
    assert.match(await vm.sh('sha256sum /data/file'), new RegExp(dataSha));
    await vm.kill();
  });

  it('installs a broken update; after 3 failed tries GRUB falls back to slot A and says so', async () => {
    const inst = start({ noReboot: true,
      kernel: { kernel, initrd, append: KERNEL_APPEND },
      fwCmdline: `rb.auto=1 rb.image=${s.srv.url('system-broken.img')} rb.end=poweroff` }, 'update-broken');
    await inst.expect(/RB-STEP done slot=B version=0 trial=1/, 300_000);
    await inst.exited;
    const vm = start({}, 'fallback');
    for (let i = 0; i < 3; i++) await vm.expect('RB-SYSTEM broken', 300_000);
    await vm.expect('RB-FALLBACK from=B to=A', 300_000);
    await expectSystemUp(vm, 'A', '1');
    assert.match(await vm.sh('rb-slot status'), /RB-STATE default=A trial= tries=0 fallback= A=1 B=0/);
    assert.match(await vm.sh('sha256sum /data/file'), new RegExp(dataSha));
    await vm.kill();
    assert.equal(await sha256File(other), otherSha, 'the second disk was not touched');
  });
});
