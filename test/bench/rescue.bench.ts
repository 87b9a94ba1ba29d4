/**
 * Rescue image benchmark: sizes of the built artefacts, then under TCG (or
 * RESCUEBOX_ACCEL): power-on -> installer prompt (OVMF + ISO), prompt -> done for
 * a 64 MB image, power-on -> installed system up, update and rollback times, and
 * the power-cut run with RB_BENCH_POWERCUT_MOMENTS moments (default 50; 0 skips).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { BenchRow } from './types.ts';
import { Vm, accel } from '../rescue/qemu-runner.ts';
import {
  KERNEL_APPEND, dist, initrd, installerDir, iso, kernel, makeDisk, removeDir, requireBuilt, serveDist, tempDir,
} from '../rescue/helpers.ts';
import { runPowerCuts } from '../rescue/powercut.ts';
import { median } from './median.ts';

const area = 'rescue';
const MB = 1_000_000;
// A fast operator: every answer typed 1 s after its question appears (an IP address takes longer).
const OPERATOR_SECONDS_PER_ANSWER = 1;
// TCG speed on a shared host swings by half from one run to the next: the paced install runs this often, the median counts.
const PACED_RUNS = 3;

function row(metric: string, value: number, unit: string, target?: { text: string; ok: boolean }, note?: string): BenchRow {
  return { area, metric, value, unit, ...(target ? { target: target.text, ok: target.ok } : {}), ...(note ? { note } : {}) };
}

export async function run(): Promise<BenchRow[]> {
  requireBuilt();
  const rows: BenchRow[] = [];
  const isoMB = statSync(iso).size / MB;
  // the ISO carries no system payload (images are fetched over HTTP)
  rows.push(row('ISO size (no system payload)', +isoMB.toFixed(2), 'MB', { text: '<= 12 MB', ok: isoMB <= 12 }));
  rows.push(row('initramfs size (rescue, xz)', +(statSync(initrd).size / MB).toFixed(2), 'MB'));
  rows.push(row('kernel size', +(statSync(kernel).size / MB).toFixed(2), 'MB'));
  const inst = readdirSync(installerDir).filter((f) => f.endsWith('.sh')).reduce((n, f) => n + readFileSync(join(installerDir, f)).length, 0);
  rows.push(row('installer size (sh)', +(inst / 1000).toFixed(1), 'kB'));
  const big = JSON.parse(readFileSync(join(dist, 'system-big.json'), 'utf8')) as { size: number };

  const dir = tempDir('bench');
  const srv = await serveDist();
  const vms: Vm[] = [];
  const vm = (o: Partial<ConstructorParameters<typeof Vm>[0]>, name: string): Vm => {
    const v = new Vm({ dir, firmware: 'uefi', disks: [join(dir, 'disk.img')], ...o }, join(dir, `${name}.log`));
    vms.push(v);
    return v;
  };
  try {
    makeDisk(join(dir, 'disk.img'), 512);
    makeDisk(join(dir, 'disk-at-once.img'), 512);
    for (let i = 2; i <= PACED_RUNS; i++) makeDisk(join(dir, `disk-paced-${i}.img`), 512);
    // Interactive fresh install of a 64 MB image over serial: PACED_RUNS times at an
    // operator's pace (what a person waits for after the last Enter; the disk work runs
    // while hostname and network are typed) and once with every answer typed at once
    // (machine-bound: all of fetch, verify, disk work after the last Enter).
    const install = async (name: string, disk: string, paceS: number): Promise<{ tPrompt: number; tLast: number; tDone: number; log: string }> => {
      const v = vm({ iso, bootCdrom: true, noReboot: true, disks: [join(dir, disk)], fwCmdline: `rb.image=${srv.url('system-big.img')}` }, name);
      const answers: [string, string][] = [['disk', '\r'], ['confirm', '\r'], ['hostname', '\r'], ['ip', '10.0.2.15/24\r'], ['gw', '10.0.2.2\r']];
      let tPrompt = 0;
      for (const [q, keys] of answers) {
        await v.expect(`RB-STEP ask name=${q} `);
        if (q === 'disk') tPrompt = v.elapsed();
        if (paceS > 0) await delay(paceS * 1000); // the modelled operator reading and typing, not synchronisation
        v.type(keys);
      }
      const tLast = v.elapsed();
      await v.expect(/RB-STEP done slot=A version=3/, 600_000);
      const tDone = v.elapsed();
      await v.exited;
      return { tPrompt, tLast, tDone, log: v.serial.text };
    };
    // The installed disk of the first run is the one booted below; the others only time the install.
    const paced = await install('install', 'disk.img', OPERATOR_SECONDS_PER_ANSWER);
    const pacedWaits = [paced.tDone - paced.tLast];
    for (let i = 2; i <= PACED_RUNS; i++) {
      const r = await install(`install-paced-${i}`, `disk-paced-${i}.img`, OPERATOR_SECONDS_PER_ANSWER);
      pacedWaits.push(r.tDone - r.tLast);
    }
    const pacedWait = median(pacedWaits);
    rows.push(row('power-on -> installer prompt (OVMF, ISO)', +paced.tPrompt.toFixed(1), 's', undefined, `accel ${accel()}`));
    const imageMB = (big.size / MB).toFixed(0);
    rows.push(row(`last Enter -> installation done (${imageMB} MB image), operator pace, median of ${PACED_RUNS}`, +pacedWait.toFixed(1), 's',
      { text: '<= 3 s', ok: pacedWait <= 3 },
      `runs ${pacedWaits.map((w) => w.toFixed(1)).join(', ')} s; each answer typed ${OPERATOR_SECONDS_PER_ANSWER} s after its question; fetch + verify from the installer start, disk work from verify ok`));
    const atOnce = await install('install-at-once', 'disk-at-once.img', 0);
    rows.push(row(`last Enter -> installation done (${imageMB} MB image), answers typed at once`, +(atOnce.tDone - atOnce.tLast).toFixed(1), 's', undefined,
      'machine-bound: fetch, verify, partition, mkfs, write + read-back, bootloader all after the last Enter'));
    rows.push(row('first prompt -> installation done, answers typed at once', +(atOnce.tDone - atOnce.tPrompt).toFixed(1), 's'));
    // where the time goes: the installer's own per-phase durations (RB-STEP <phase> ok ... <n>s), answers at once
    for (const phase of ['net', 'fetch', 'verify', 'image', 'partition', 'mkfs', 'write', 'bootloader', 'config']) {
      const m = new RegExp(`RB-STEP ${phase} ok[^\\n]*? (\\d+(?:\\.\\d+)?)s\\s`).exec(atOnce.log);
      if (m) rows.push(row(`install phase: ${phase} (${imageMB} MB image)`, Number(m[1]), 's', undefined,
        ['net', 'fetch', 'verify'].includes(phase) ? 'answers at once; background, from the installer start' : 'answers at once'));
    }

    let v = vm({}, 'boot');
    await v.expect(/RB-STEP system up slot=A version=3 health=ok/, 600_000);
    const tUp = v.elapsed();
    rows.push(row('power-on -> installed system up (OVMF)', +tUp.toFixed(1), 's', { text: '<= 20 s', ok: tUp <= 20 }));
    await v.kill();

    v = vm({ noReboot: true, kernel: { kernel, initrd, append: KERNEL_APPEND },
      fwCmdline: `rb.auto=1 rb.image=${srv.url('system-v2.img')} rb.end=poweroff` }, 'update');
    await v.expect('RB-STEP update start', 600_000);
    const tu0 = v.elapsed();
    await v.expect(/RB-STEP done slot=B version=2 trial=1/, 600_000);
    rows.push(row('update (16 MB image): start -> done', +(v.elapsed() - tu0).toFixed(1), 's'));
    rows.push(row('update: power-on (direct kernel) -> done', +v.elapsed().toFixed(1), 's'));
    await v.exited;

    v = vm({}, 'boot-b');
    await v.expect('RB-SYSTEM confirmed slot=B version=2', 600_000);
    rows.push(row('power-on -> trial slot confirmed (OVMF)', +v.elapsed().toFixed(1), 's'));
    await v.expect('login: root', 60_000);
    const tr0 = performance.now();
    await v.sh('rb-slot rollback');
    rows.push(row('rollback command (rb-slot rollback)', +((performance.now() - tr0) / 1000).toFixed(2), 's'));
    const tb0 = performance.now();
    v.type('reboot -f\r');
    await v.expect(/RB-STEP system up slot=A version=3 health=ok/, 600_000);
    rows.push(row('rollback: reboot -> old slot up (OVMF)', +((performance.now() - tb0) / 1000).toFixed(1), 's'));
    await v.kill();

    const moments = Number(process.env.RB_BENCH_POWERCUT_MOMENTS ?? 50);
    if (moments > 0) {
      const t0 = performance.now();
      const r = await runPowerCuts({
        dir, disk: makeDisk(join(dir, 'pc.img'), 512), moments, seed: 4242, firmware: 'bios', server: srv,
        kernel: { kernel, initrd, append: KERNEL_APPEND }, track: (x) => vms.push(x), log: (s) => console.log(`  powercut: ${s}`),
      });
      const ok = r.cuts.filter((c) => c.ok).length;
      rows.push(row(`power cut: moments with a confirmed slot + intact data (of ${moments})`, ok, 'moments',
        { text: `= ${moments}`, ok: ok === moments }, `SeaBIOS; ${((performance.now() - t0) / 60000).toFixed(1)} min`));
      const boots = r.cuts.map((c) => c.bootSeconds).filter((s) => s > 0);
      if (boots.length) rows.push(row('power cut: power-on -> system up after a cut (SeaBIOS, mean)', +(boots.reduce((a, b) => a + b, 0) / boots.length).toFixed(1), 's'));
    }
  } finally {
    for (const x of vms) await x.kill();
    await srv.close();
    removeDir(dir);
  }
  return rows;
}
