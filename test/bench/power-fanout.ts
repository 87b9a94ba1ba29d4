import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { DEFAULT_FANOUT, UdpPool, mapLimit } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';

/**
 * Power status of many BMCs through the library, in this process, the way the CLI does it:
 * one pool, the CLI's fan-out, log in with the first command (no Set Session Privilege for a
 * USER-level query), Close Session sent as soon as a BMC answered and awaited before returning.
 * An unreachable BMC counts as "error", not a throw. `ms` runs from the first send to the last
 * answer; `closedMs` until every Close Session finished.
 */
export async function libraryPowerStatus(
  targets: { host: string; port: number }[],
  o: { username: string; password: string; cipherSuite: number; fanout?: number },
): Promise<{ ms: number; closedMs: number; results: string[] }> {
  const pool = new UdpPool({ sockets: 4, bindAddress: '127.0.0.1' });
  const closing: Promise<void>[] = [];
  const t0 = performance.now();
  const results = await mapLimit(targets, o.fanout ?? DEFAULT_FANOUT, async ({ host, port }) => {
    let c: IpmiClient | undefined;
    try {
      c = await IpmiClient.create({ host, port, username: o.username, password: o.password, cipherSuites: [o.cipherSuite], pool, keepaliveMs: 0 });
      return await c.powerStatus();
    } catch {
      return 'error';
    } finally {
      if (c) closing.push(c.close({ timeoutMs: 500, retries: 0 }).catch(() => undefined));
    }
  });
  const ms = performance.now() - t0;
  await Promise.all(closing);
  const closedMs = performance.now() - t0;
  await pool.close();
  return { ms, closedMs, results };
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
