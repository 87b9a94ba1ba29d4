/**
 * Power cut during an update: QEMU is killed (SIGKILL) at random moments of an
 * update; every following boot must reach a confirmed, healthy slot with the
 * data partition intact. Moments: RB_POWERCUT_MOMENTS (default 10; the
 * benchmark runs 50). The random moments come from a seeded generator
 * (RB_POWERCUT_SEED) so a failure can be replayed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPowerCuts } from './powercut.ts';
import { KERNEL_APPEND, initrd, kernel, makeDisk } from './helpers.ts';
import { rescueSuite } from './suite.ts';

describe('rescue image: power cut at random moments of an update', { timeout: 1_500_000 }, () => {
  const s = rescueSuite('powercut');

  it('every boot after a cut reaches a confirmed slot with the data intact', async () => {
    const moments = Number(process.env.RB_POWERCUT_MOMENTS ?? 10);
    const seed = Number(process.env.RB_POWERCUT_SEED ?? 20240101);
    const disk = makeDisk(join(s.dir, 'disk.img'), 512);
    const result = await runPowerCuts({
      dir: s.dir, disk, moments, seed, firmware: 'bios', server: s.srv,
      kernel: { kernel, initrd, append: KERNEL_APPEND },
      track: (vm) => s.track(vm),
      log: (s) => console.log(`# powercut: ${s}`),
    });
    assert.equal(result.cuts.length, moments);
    for (const c of result.cuts) assert.ok(c.ok, `cut ${c.index} at ${c.delayMs} ms: ${c.detail}`);
  });
});
