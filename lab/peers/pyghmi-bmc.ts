import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';

/** A pyghmi fake BMC (suite 3 only) in a child process, for client tests. */
export interface PyghmiEvent {
  event: 'ready' | 'power' | 'bootdev' | 'sol-in';
  [k: string]: unknown;
}

export interface PyghmiBmc {
  port: number;
  pid: number;
  events: PyghmiEvent[];
  /** Resolves with the first event (already seen or future) matching `pred`, rejects after `timeoutMs`. */
  waitFor(pred: (e: PyghmiEvent) => boolean, timeoutMs?: number): Promise<PyghmiEvent>;
  stop(): Promise<void>;
}

export async function startPyghmiBmc(o: { username: string; password: string }): Promise<PyghmiBmc> {
  const port = await freePort();
  const script = fileURLToPath(new URL('./pyghmi_bmc.py', import.meta.url));
  // Debian's python has python3-pyghmi; a pyenv python on PATH would not.
  const child: ChildProcess = spawn('/usr/bin/python3', [script, String(port), o.username], {
    env: { ...process.env, PYGHMI_PASSWORD: o.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: PyghmiEvent[] = [];
  const listeners = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as PyghmiEvent);
    } catch {
      return;
    }
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const waitFor = (pred: (e: PyghmiEvent) => boolean, timeoutMs = 10000): Promise<PyghmiEvent> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const e = events.find(pred);
        if (!e) return false;
        listeners.delete(onEvent);
        clearTimeout(t);
        resolve(e);
        return true;
      };
      const onEvent = (): void => void check();
      const t = setTimeout(() => {
        listeners.delete(onEvent);
        reject(new Error(`pyghmi BMC: event not seen within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`));
      }, timeoutMs);
      listeners.add(onEvent);
      check();
    });
  await waitFor((e) => e.event === 'ready');
  return {
    port,
    pid: child.pid ?? -1,
    events,
    waitFor,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
      await exited;
    },
  };
}
