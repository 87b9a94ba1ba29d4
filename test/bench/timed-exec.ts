import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

export interface TimedRun {
  ms: number;
  stdout: string;
  stderr: string;
  code: number | null;
  /** The child's own peak RSS (from /usr/bin/time, which reports it per child). */
  maxRssMb?: number;
  /** The child's CPU time, user + system (from /usr/bin/time, 10 ms resolution). */
  cpuMs?: number;
}

/** Runs a command from the repo root, timing it and reading its peak RSS and CPU time; killed after `timeoutMs`. */
export function timedExec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<TimedRun> {
  const [c, a] = TIME ? [TIME, ['-f', 'RB_MAXRSS_KB=%M RB_CPU_S=%U+%S', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c, a, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      const m = /RB_MAXRSS_KB=(\d+) RB_CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve(m ? { ms, stdout, stderr, code, maxRssMb: Number(m[1]) / 1024, cpuMs: (Number(m[2]) + Number(m[3])) * 1000 } : { ms, stdout, stderr, code });
    });
  });
}
