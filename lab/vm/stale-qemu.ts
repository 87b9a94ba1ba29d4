import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Finds QEMUs left behind by a crashed manager: every `<stateDir>/<id>/qemu.pid`
 * whose process still runs with `-pidfile <that file>` on its command line
 * (so a recycled PID belonging to something else is never touched).
 */
export function findStaleQemus(stateDir: string): { pid: number; pidfile: string }[] {
  if (!existsSync(stateDir)) return [];
  const found: { pid: number; pidfile: string }[] = [];
  for (const entry of readdirSync(stateDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const pidfile = join(stateDir, entry.name, 'qemu.pid');
    let pid: number;
    try {
      pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
    } catch {
      continue;
    }
    if (Number.isInteger(pid) && pid > 1 && isOurQemu(pid, pidfile)) found.push({ pid, pidfile });
    else rmSync(pidfile, { force: true });
  }
  return found;
}

export function isOurQemu(pid: number, pidfile: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  const i = argv.indexOf('-pidfile');
  return i >= 0 && argv[i + 1] === pidfile && (argv[0] ?? '').includes('qemu');
}

/** SIGKILLs every stale QEMU under stateDir and removes its pidfile; returns the PIDs killed. */
export function sweepStaleQemus(stateDir: string): number[] {
  const killed: number[] = [];
  for (const { pid, pidfile } of findStaleQemus(stateDir)) {
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
    rmSync(pidfile, { force: true });
  }
  return killed;
}
