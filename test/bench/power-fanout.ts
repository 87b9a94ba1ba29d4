import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forEachBmc } from '../../bmc-adapters/ipmi/fanout.ts';

/**
 * Power status of many BMCs through the library, in this process, with the very function the CLI's
 * `--hosts` runs (forEachBmc: its pool, fan-out, login at USER, Close Session sent unawaited).
 * An unreachable BMC counts as "error", not a throw. `ms` runs from the call to the last answer;
 * `closedMs` until forEachBmc returned (every Close Session sent, the pool closed).
 */
export async function libraryPowerStatus(
  targets: { host: string; port: number }[],
  o: { username: string; password: string; cipherSuite: number; fanout?: number },
): Promise<{ ms: number; closedMs: number; results: string[] }> {
  let last = 0;
  const t0 = performance.now();
  const got = await forEachBmc(targets, { username: o.username, password: o.password, cipherSuites: [o.cipherSuite] }, (c) => c.powerStatus(), {
    ...(o.fanout ? { fanout: o.fanout } : {}),
    onSettled: () => (last = performance.now()),
  });
  const closedMs = performance.now() - t0;
  return { ms: last - t0, closedMs, results: got.map((r) => (r.ok ? r.value : 'error')) };
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The test bin/rescuebox.js makes: no input listed in var/build/cli/inputs.json is newer than the build. */
export function cliBundleFresh(): boolean {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(join(root, 'var/build/cli/inputs.json'), 'utf8')) as { builtAtMs: number; inputs: string[] };
    return inputs.length > 0 && inputs.every((p) => statSync(join(root, p)).mtimeMs <= builtAtMs);
  } catch {
    return false;
  }
}

/**
 * Makes `node bin/rescuebox.js` run the CLI bundle, as `npm run setup` installs it: rebuilds
 * var/build/cli (scripts/build.d/60-cli.sh) when it is missing or older than a source (the tree
 * is edited while benches run). False when that failed: the CLI then runs through tsx.
 */
export async function ensureCliBundle(): Promise<boolean> {
  if (cliBundleFresh()) return true;
  try {
    await promisify(execFile)('bash', ['scripts/build.d/60-cli.sh'], { cwd: root });
  } catch (e) {
    process.stderr.write(`CLI bundle build failed; the CLI runs through tsx: ${(e as Error).message.slice(-300)}\n`);
    return false;
  }
  return cliBundleFresh();
}
