/**
 * Opt-in (RB_TEST_WATCHDOG=1; about 4 minutes under TCG, so not part of the
 * default run): a trial slot that hangs without panicking is reset by the
 * hardware watchdog the boot initramfs arms for trial boots (QEMU i6300esb),
 * GRUB counts the tries and falls back; a healthy trial disarms it.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Vm, VmOptions } from './qemu-runner.ts';
import { KERNEL_APPEND, expectSystemUp, initrd, kernel, makeDisk } from './helpers.ts';
import { rescueSuite } from './suite.ts';

const enabled = process.env.RB_TEST_WATCHDOG === '1';

describe('rescue image: trial-boot watchdog (RB_TEST_WATCHDOG=1)', { skip: !enabled && 'set RB_TEST_WATCHDOG=1', timeout: 1_800_000 }, () => {
  const s = rescueSuite('wdt', { images: ['system-hang.img'] });
  let disk = '';
  const start = (o: Partial<VmOptions>, name: string): Vm => s.vm({ firmware: 'uefi', disks: [disk], ...o }, name);
  const installer = (params: string, name: string): Vm => start({ noReboot: true,
    kernel: { kernel, initrd, append: KERNEL_APPEND }, fwCmdline: `rb.auto=1 rb.end=poweroff ${params}` }, name);

  before(() => {
    disk = makeDisk(join(s.dir, 'disk.img'), 512);
  });

  it('installs v1, then a hanging image as a trial with a 20 s watchdog', async () => {
    let vm = installer(`rb.image=${s.srv.url('system-v1.img')} rb.ip=10.0.2.15/24 rb.gw=10.0.2.2`, 'install');
    await vm.expect(/RB-STEP done slot=A version=1/, 300_000);
    await vm.exited;
    vm = installer(`rb.image=${s.srv.url('system-hang.img')} rb.watchdog=20`, 'update-hang');
    await vm.expect(/RB-STEP done slot=B version=4 trial=1/, 300_000);
    await vm.exited;
  });

  it('the hanging trial is reset by the watchdog until GRUB falls back to slot A', async () => {
    const vm = start({ watchdog: true }, 'boot-hang');
    for (let i = 0; i < 3; i++) {
      await vm.expect('RB-STEP watchdog armed timeout=20', 300_000);
      await vm.expect('RB-SYSTEM hang: init stops on purpose', 120_000);
    }
    await vm.expect('RB-STEP grub fallback from=B to=A', 300_000);
    await vm.expect('RB-FALLBACK from=B to=A', 300_000);
    await expectSystemUp(vm, 'A', '1');
    await vm.kill();
  });

  it('a healthy trial confirms and disarms the watchdog', async () => {
    let vm = installer(`rb.image=${s.srv.url('system-v2.img')} rb.watchdog=20`, 'update-v2');
    await vm.expect(/RB-STEP done slot=B version=2 trial=1/, 300_000);
    await vm.exited;
    vm = start({ watchdog: true }, 'boot-v2');
    await vm.expect('RB-STEP watchdog armed timeout=20', 300_000);
    await vm.expect('RB-SYSTEM confirmed slot=B version=2', 300_000);
    await vm.expect('RB-STEP watchdog disarmed', 60_000);
    await expectSystemUp(vm, 'B', '2');
    const state = await vm.sh('cat /sys/class/watchdog/watchdog0/state');
    assert.match(state, /inactive/);
    await vm.kill();
  });
});
