import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../../helpers/poll.ts';

/**
 * Running the peers (ipmitool, FreeIPMI) from tests: every child is tracked
 * by PID and killed in `killAll()` (call it from an after hook); passwords
 * travel in the environment or a 0600 file, never on a command line.
 */
const children = new Set<ChildProcess>();

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} did not finish within ${opts.timeoutMs ?? 20000} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, opts.timeoutMs ?? 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * An interactive console client under a pseudo-terminal (`script`), because
 * ipmitool's `sol activate` puts its stdin into raw mode and ipmiconsole
 * wants a tty too. Output accumulates; `waitFor` waits for a pattern with a
 * deadline (no sleeps).
 */
export class PtyTool {
  readonly child: ChildProcess;
  output = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number | null>;

  constructor(commandLine: string, env: NodeJS.ProcessEnv) {
    // detached: its own process group, so the kill takes script and the tool under it.
    this.child = spawn('script', ['-qfec', commandLine, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    children.add(this.child);
    const onData = (s: string): void => {
      this.output += s;
      for (const w of this.waiters) w();
    };
    this.child.stdout?.setEncoding('latin1').on('data', onData);
    this.child.stderr?.setEncoding('latin1').on('data', onData);
    this.exited = new Promise((res) =>
      this.child.on('close', (code) => {
        children.delete(this.child);
        for (const w of this.waiters) w();
        res(code);
      }),
    );
  }

  write(s: string): void {
    this.child.stdin?.write(s);
  }

  /** Resolves with the output once `pattern` appears after `from`; rejects at the deadline. */
  waitFor(pattern: RegExp | string, timeoutMs: number, from = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      const test = (): boolean => {
        const tail = this.output.slice(from);
        return typeof pattern === 'string' ? tail.includes(pattern) : pattern.test(tail);
      };
      if (test()) return resolve(this.output);
      const check = (): void => {
        if (test()) {
          done();
          resolve(this.output);
        } else if (this.child.exitCode !== null) {
          done();
          reject(new Error(`exited before ${String(pattern)}; output: ${JSON.stringify(this.output.slice(-2000))}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output: ${JSON.stringify(this.output.slice(-2000))}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
    });
  }

  kill(): void {
    if (this.child.pid !== undefined && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

export function killAll(): void {
  for (const c of children) {
    if (c.pid === undefined) continue;
    try {
      // Group kill for PtyTool children (detached), plain kill for the rest.
      process.kill(c.spawnargs[0] === 'script' ? -c.pid : c.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

/** A private temp dir holding a 0600 FreeIPMI config file with the credentials. */
export function freeipmiConfig(user: string, password: string, suite: number, extra: string[] = []): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-labbmc-'));
  const file = join(dir, 'freeipmi.conf');
  writeFileSync(file, [`username ${user}`, `password ${password}`, `cipher-suite-id ${suite}`, 'privilege-level ADMIN', ...extra, ''].join('\n'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Re-checks a condition that another process changes (packets arriving), up
 * to a deadline. Not a sleep: it returns as soon as the condition holds.
 */
export function waitUntil(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  return pollUntil(what, cond, timeoutMs, 2);
}
