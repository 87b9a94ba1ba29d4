import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { accelCacheFile, labInitramfs, labKernel, labReadyMarker, qemuBinary } from './lab-paths.ts';

export type Accel = 'kvm' | 'tcg';

export interface AccelVerdict {
  accel: Accel;
  reason: string;
  /** /proc/sys/kernel/random/boot_id at probe time: a reboot (new kernel, new KVM) probes again. */
  bootId: string;
  probedAt: string;
}

/** How long a KVM boot of the lab kernel may take before we call KVM broken (TCG needs ~8 s, KVM < 2 s). */
const KVM_PROBE_DEADLINE_MS = 10_000;

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Boots the lab kernel once under KVM and waits for the ready marker on the
 * serial port. /dev/kvm existing proves nothing: on some hosts guests hang.
 */
export function probeKvm(deadlineMs = KVM_PROBE_DEADLINE_MS): Promise<{ ok: boolean; reason: string }> {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (e) {
    return Promise.resolve({ ok: false, reason: `/dev/kvm not usable: ${(e as Error).message}` });
  }
  if (!existsSync(labKernel) || !existsSync(labInitramfs)) {
    return Promise.resolve({ ok: false, reason: `lab system not built (${labKernel}); run scripts/build.d/10-lab.sh` });
  }
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(
      qemuBinary,
      ['-accel', 'kvm', '-m', '256', '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-no-reboot',
        '-kernel', labKernel, '-initrd', labInitramfs, '-append', 'console=ttyS0,115200 quiet panic=-1 rb.id=kvm-probe'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let done = false;
    const finish = (ok: boolean, reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ ok, reason });
    };
    const timer = setTimeout(() => finish(false, `KVM guest printed no ready marker within ${deadlineMs} ms`), deadlineMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out = (out + s).slice(-4096);
      if (out.includes(labReadyMarker)) finish(true, `KVM guest booted in ${Math.round(performance.now() - t0)} ms`);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-2048)));
    child.on('error', (e) => finish(false, `cannot run ${qemuBinary}: ${e.message}`));
    child.on('exit', (code, sig) => finish(false, `KVM probe QEMU exited (${code ?? sig}): ${err.trim().split('\n').pop() ?? ''}`));
  });
}

let memo: Promise<AccelVerdict> | undefined;

/**
 * The accelerator lab VMs use: RESCUEBOX_ACCEL=tcg|kvm wins, else a verdict
 * cached in var/cache/accel.json for this boot, else one real KVM probe.
 */
export function chooseAccel(env: NodeJS.ProcessEnv = process.env): Promise<AccelVerdict> {
  const forced = env.RESCUEBOX_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') {
    return Promise.resolve({ accel: forced, reason: 'RESCUEBOX_ACCEL', bootId: bootId(), probedAt: new Date().toISOString() });
  }
  memo ??= decide();
  return memo;
}

async function decide(): Promise<AccelVerdict> {
  const id = bootId();
  try {
    const cached = JSON.parse(readFileSync(accelCacheFile, 'utf8')) as AccelVerdict;
    if (cached.bootId === id && (cached.accel === 'kvm' || cached.accel === 'tcg')) return cached;
  } catch {
    // no cache or unreadable: probe
  }
  const probe = await probeKvm();
  const verdict: AccelVerdict = { accel: probe.ok ? 'kvm' : 'tcg', reason: probe.reason, bootId: id, probedAt: new Date().toISOString() };
  // Without a built lab system nothing was tried: decide again once it exists.
  if (!existsSync(labKernel) || !existsSync(labInitramfs)) return verdict;
  try {
    mkdirSync(dirname(accelCacheFile), { recursive: true });
    const tmp = `${accelCacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(verdict, null, 2) + '\n');
    renameSync(tmp, accelCacheFile);
  } catch {
    // a read-only tree only costs a probe next time
  }
  return verdict;
}
