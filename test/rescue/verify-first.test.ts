/**
 * The installer checks the image before it writes a byte: an image whose sha256 does
 * not match its manifest fails the install at `verify`, one without what a fresh install
 * takes from it (GRUB binaries, mke2fs) fails at `image`, and the disk job (which starts
 * after the confirmation, in the background) leaves the chosen disk exactly as it was.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KERNEL_APPEND, dist, initrd, kernel, makeDisk, sha256File } from './helpers.ts';
import { rescueSuite } from './suite.ts';

describe('rescue image: nothing is written before the image is verified', { timeout: 600_000 }, () => {
  const s = rescueSuite('verify', {
    // v1's bytes and size, another image's sha256: only the hash check can catch it
    serve: () => {
      const v1 = JSON.parse(readFileSync(join(dist, 'system-v1.json'), 'utf8')) as { size: number };
      const v2 = JSON.parse(readFileSync(join(dist, 'system-v2.json'), 'utf8')) as { sha256: string };
      // a valid squashfs with a valid manifest, but nothing of /boot/rescuebox/ in it
      const t = mkdtempSync(join(tmpdir(), 'rb-noboot-'));
      try {
        mkdirSync(join(t, 'root/etc'), { recursive: true });
        writeFileSync(join(t, 'root/etc/rb-release'), 'NAME=bare\nVERSION=9\n');
        execFileSync('mksquashfs', [join(t, 'root'), join(t, 'bare.img'), '-comp', 'xz', '-noappend', '-quiet', '-no-progress']);
        const img = readFileSync(join(t, 'bare.img'));
        return {
          'wrong-sha.json': JSON.stringify({ version: '1', sha256: v2.sha256, size: v1.size }),
          'bare.img': img,
          'bare.json': JSON.stringify({ version: '9', sha256: createHash('sha256').update(img).digest('hex'), size: img.length }),
        };
      } finally {
        rmSync(t, { recursive: true, force: true });
      }
    },
  });

  /** An unattended fresh install of `image` onto a fresh disk: `lines` appear in order, no disk phase runs, the disk is unchanged. */
  async function failsBeforeTheDisk(name: string, params: string, lines: string[]): Promise<void> {
    const disk = makeDisk(join(s.dir, `${name}.img`), 256);
    const before = await sha256File(disk);
    const vm = s.vm({ firmware: 'bios', disks: [disk], noReboot: true, kernel: { kernel, initrd, append: KERNEL_APPEND },
      fwCmdline: `rb.auto=1 ${params} rb.ip=10.0.2.15/24 rb.gw=10.0.2.2 rb.end=poweroff` }, name);
    await vm.expect('RB-STEP install start disk=/dev/vda', 300_000);
    for (const line of lines) await vm.expect(line, 120_000);
    await vm.expect('RB-STEP failed action=install', 60_000);
    await vm.expect('RB-STEP end action=halt', 60_000);
    assert.doesNotMatch(vm.serial.text, /RB-STEP (partition|mkfs|write|bootloader|config) /, 'no disk phase ran');
    await vm.kill();
    assert.equal(await sha256File(disk), before, 'the disk is byte for byte what it was');
  }

  it('fails an unattended fresh install at verify and leaves the disk untouched', () =>
    failsBeforeTheDisk('wrong-sha', `rb.image=${s.srv.url('system-v1.img')} rb.manifest=${s.srv.url('wrong-sha.json')}`,
      ['RB-STEP verify fail reason=sha256']));

  it('fails a fresh install at image when the image lacks the GRUB files, and leaves the disk untouched', () =>
    failsBeforeTheDisk('bare', `rb.image=${s.srv.url('bare.img')}`,
      ['rescuebox: the image has no /boot/rescuebox/BOOTX64.EFI', 'RB-STEP image fail reason=image']));
});
