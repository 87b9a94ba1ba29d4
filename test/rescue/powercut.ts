/**
 * The power-cut scenario shared by test/rescue/powercut.test.ts and the
 * benchmark: install v1, write a data file, measure one uncut update, then for
 * each moment start an update (alternating v1/v2 so most blocks change), kill
 * QEMU after a seeded random delay counted from the end of the image check
 * (the first moment anything is written) and boot the disk: it must come up on a
 * confirmed slot, healthy, with the data file unchanged.
 */
import { Vm } from './qemu-runner.ts';
import type { Firmware } from './qemu-runner.ts';
import { SYSTEM_UP, type ImageServer } from './helpers.ts';
import { join } from 'node:path';
import { seededRandom } from '../helpers/seeded-random.ts';

export interface PowerCutOptions {
  dir: string;
  disk: string;
  moments: number;
  seed: number;
  firmware: Firmware;
  server: ImageServer;
  kernel: { kernel: string; initrd: string; append: string };
  track: (vm: Vm) => void;
  log: (s: string) => void;
}
export interface Cut {
  index: number;
  delayMs: number;
  /** Last installer line seen before the cut. */
  lastStep: string;
  ok: boolean;
  detail: string;
  bootSeconds: number;
}

const DATA_CMD = 'sha256sum /data/file';

export async function runPowerCuts(o: PowerCutOptions): Promise<{ cuts: Cut[]; windowMs: number }> {
  let n = 0;
  const vm = (extra: { installer?: string }, name: string): Vm => {
    const v = new Vm({
      dir: o.dir, firmware: o.firmware, disks: [o.disk],
      ...(extra.installer ? { noReboot: true, kernel: o.kernel, fwCmdline: extra.installer } : {}),
    }, join(o.dir, `${String(n++).padStart(3, '0')}-${name}.log`));
    o.track(v);
    return v;
  };
  const installer = (image: string): string => `rb.auto=1 rb.image=${o.server.url(image)} rb.ip=10.0.2.15/24 rb.gw=10.0.2.2 rb.end=poweroff`;

  // fresh install + data file
  let v = vm({ installer: installer('system-v1.img') }, 'install');
  await v.expect(/RB-STEP done slot=A version=1/, 300_000);
  await v.exited;
  v = vm({}, 'boot');
  await v.expect(/RB-STEP system up slot=A version=1 health=ok/, 300_000);
  await v.expect('login: root', 60_000);
  const out = await v.sh('head -c 200000 /dev/urandom > /data/file && sync && sha256sum /data/file');
  const dataSha = /([0-9a-f]{64})/.exec(out)?.[1] ?? '';
  await v.kill();

  // one uncut update measures the window the cuts are drawn from
  v = vm({ installer: installer('system-v2.img') }, 'update-measure');
  // nothing is written before the image is verified: the window starts there
  await v.expect('RB-STEP verify ok', 300_000);
  const t0 = performance.now();
  await v.expect(/RB-STEP done slot=B version=2 trial=1/, 300_000);
  let windowMs = performance.now() - t0;
  await v.exited;
  o.log(`update window ${Math.round(windowMs)} ms (verify ok -> done)`);
  v = vm({}, 'boot');
  await v.expect(/RB-STEP system up slot=B version=2 health=ok/, 300_000);
  await v.kill();
  let running = '2';

  const rand = seededRandom(o.seed);
  const cuts: Cut[] = [];
  for (let i = 0; i < o.moments; i++) {
    const image = running === '1' ? 'system-v2.img' : 'system-v1.img';
    const delayMs = Math.round(rand() * windowMs);
    const inst = vm({ installer: installer(image) }, `cut${i}`);
    await inst.expect('RB-STEP verify ok', 300_000);
    // when an update completes before its cut, its duration becomes the window
    // for the next draw, so the moments follow the machine's current speed
    const tv = performance.now();
    let doneMs = 0;
    inst.expect('RB-STEP done', 600_000).then(() => { doneMs = performance.now() - tv; }, () => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      void inst.exited.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const lastStep = [...inst.serial.text.matchAll(/RB-STEP (\S+ \S+)/g)].pop()?.[1] ?? '';
    await inst.kill();
    if (doneMs > 0) windowMs = doneMs;
    const b = vm({}, `cut${i}-boot`);
    const cut: Cut = { index: i, delayMs, lastStep, ok: false, detail: '', bootSeconds: 0 };
    try {
      const m = await b.expect(SYSTEM_UP, 300_000);
      cut.bootSeconds = b.elapsed();
      await b.expect('login: root', 60_000);
      const state = await b.sh('rb-slot status');
      const data = await b.sh(DATA_CMD);
      const st = /RB-STATE default=(\S*) trial=(\S*) /.exec(state);
      running = m[2] ?? running;
      cut.ok = m[3] === 'ok' && st?.[1] === m[1] && st?.[2] === '' && data.includes(dataSha);
      cut.detail = `booted slot ${m[1]} v${m[2]} health=${m[3]}; ${st?.[0] ?? 'no state'}; data ${data.includes(dataSha) ? 'intact' : 'CHANGED'}`;
    } catch (e) {
      cut.detail = (e as Error).message.split('\n')[0] ?? 'boot failed';
    }
    await b.kill();
    o.log(`cut ${i} after ${delayMs} ms (last: ${lastStep}): ${cut.ok ? 'ok' : 'FAILED'} - ${cut.detail}`);
    cuts.push(cut);
  }
  return { cuts, windowMs };
}
