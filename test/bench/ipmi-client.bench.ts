import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { FLEET_DEFAULT_USER } from '../../lab/bmc/fleet.ts';
import { startIpmiSim } from '../../lab/peers/ipmi-sim.ts';
import { startTelnetEcho } from '../../lab/peers/telnet-echo.ts';
import { fuzz } from '../ipmi/helpers/fuzz.ts';
import type { BenchRow } from './types.ts';

/**
 * IPMI client benchmarks: fan-out power status against the lab's BMC-only fleet (its own
 * process) next to FreeIPMI ipmipower in the same run, session setup vs ipmitool, SOL
 * throughput against ipmi_sim, decoder fuzzing rate. Every child is killed by PID.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const area = 'ipmi-client';
const password = FLEET_DEFAULT_USER.password;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err, ms: performance.now() - t0 }));
  });
}

async function startFleet(count: number): Promise<{ addresses: string[]; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/bmc/fleet-main.ts', '--count', String(count)], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, RESCUEBOX_FLEET_PASSWORD: password } });
  const line = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('fleet did not start within 60 s')), 60000);
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve(l);
    });
    child.once('exit', () => reject(new Error('fleet exited')));
  });
  return { addresses: (JSON.parse(line) as { addresses: string[] }).addresses, child };
}

/**
 * Our fan-out in a fresh process so its memory is measurable: the runner is bundled with
 * esbuild and run by plain node, because the tsx loader alone costs ~30 MB of RSS that a
 * deployed (bundled) rescuebox does not pay. Reports ms from first send to last answer.
 */
async function ourFanout(addresses: string[], dir: string): Promise<{ ms: number; rssMb: number; on: number; off: number; errors: number; wallMs: number }> {
  const src = join(dir, 'fanout-runner.ts');
  const out = join(dir, 'fanout-runner.mjs');
  writeFileSync(
    src,
    `
    // VmHWM, not getrusage: ru_maxrss survives execve, so a child would report the bench runner's own peak.
    import { readFileSync } from 'node:fs';
    import { IpmiClient } from ${JSON.stringify(join(root, 'bmc-adapters/ipmi/client.ts'))};
    import { UdpPool, mapLimit } from ${JSON.stringify(join(root, 'bmc-adapters/ipmi/transport/udp-pool.ts'))};
    const targets = (process.env.RB_TARGETS ?? '').split(',');
    const pool = new UdpPool({ sockets: 8, bindAddress: '127.0.0.1' });
    const t0 = performance.now();
    const res = await mapLimit(targets, 256, async (hp) => {
      const i = hp.lastIndexOf(':');
      let c: IpmiClient | undefined;
      try {
        c = await IpmiClient.connect({ host: hp.slice(0, i), port: Number(hp.slice(i + 1)), pool, username: 'admin', password: process.env.RB_PW ?? '', keepaliveMs: 0 });
        return await c.powerStatus();
      } catch { return 'error'; } finally { await c?.close().catch(() => undefined); }
    });
    const ms = performance.now() - t0;
    await pool.close();
    const count = (s: string) => res.filter((x) => x === s).length;
    console.log(JSON.stringify({ ms, rssMb: Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024, on: count('on'), off: count('off'), errors: count('error') }));
  `,
  );
  const { build } = await import('esbuild');
  await build({ entryPoints: [src], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'error' });
  const r = await run(process.execPath, [out], { ...process.env, RB_TARGETS: addresses.join(','), RB_PW: password });
  if (r.code !== 0) throw new Error(`fan-out runner failed: ${r.err.slice(-300)}`);
  return { ...(JSON.parse(r.out.trim().split('\n').at(-1) ?? '{}') as { ms: number; rssMb: number; on: number; off: number; errors: number }), wallMs: r.ms };
}

async function ipmipower(addresses: string[], dir: string): Promise<{ ms: number; ok: number }> {
  const conf = join(dir, 'freeipmi.conf');
  writeFileSync(conf, `username admin\npassword ${password}\n`, { mode: 0o600 });
  // One call with every host: ipmipower labels lines without the port, so we only count them.
  const r = await run('ipmipower', ['-D', 'LAN_2_0', '-I', '17', '-h', addresses.join(','), '--config-file', conf, '--stat', '-F', '256']);
  const ok = r.out.split('\n').filter((l) => / (on|off)$/.test(l)).length;
  return { ms: r.ms, ok };
}

export async function run_(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rb-ipmibench-'));
  chmodSync(dir, 0o700);
  const fleet = await startFleet(1000);
  try {
    // Warm the fleet's JIT first, or whichever client runs first pays for it.
    await ipmipower(fleet.addresses.slice(0, 200), dir);
    await ourFanout(fleet.addresses.slice(0, 200), dir);
    for (const n of [200, 1000]) {
      const addrs = fleet.addresses.slice(0, n);
      // Alternate and keep the better of two runs each: the machine is shared and noisy.
      const o1 = await ourFanout(addrs, dir);
      const t1 = await ipmipower(addrs, dir);
      const t2 = await ipmipower(addrs, dir);
      const o2 = await ourFanout(addrs, dir);
      const ours = o1.ms <= o2.ms ? o1 : o2;
      const theirs = t1.ms <= t2.ms ? t1 : t2;
      rows.push({ area, metric: `power status, ${n} BMCs (rescuebox, fan-out)`, value: Math.round(ours.ms), unit: 'ms', ...(n === 1000 ? { target: '<= 2000 ms', ok: ours.ms <= 2000 } : { target: `< ipmipower (${Math.round(theirs.ms)} ms)`, ok: ours.ms < theirs.ms }), note: `best of 2; ${ours.on} on, ${ours.off} off, ${ours.errors} errors; fan-out 256 (the CLI default), bundled runner on plain node; process wall ${Math.round(ours.wallMs)} ms; load avg ${loadavg()[0]?.toFixed(1)}` });
      rows.push({ area, metric: `power status, ${n} BMCs (rescuebox, max RSS)`, value: Math.round(ours.rssMb), unit: 'MB', ...(n === 1000 ? { target: '<= 100 MB', ok: ours.rssMb <= 100 } : {}) });
      rows.push({ area, metric: `power status, ${n} BMCs (ipmipower -D LAN_2_0 -I 17)`, value: Math.round(theirs.ms), unit: 'ms', note: `${theirs.ok} answers, one process, best of 2, same run` });
    }
    // Session setup: our connect+close (in process) vs ipmitool's whole process for mc info.
    const [first] = fleet.addresses;
    const [host, port] = [first!.slice(0, first!.lastIndexOf(':')), Number(first!.slice(first!.lastIndexOf(':') + 1))];
    const pool = new UdpPool({ bindAddress: '127.0.0.1' });
    const N = 50;
    let t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const c = await IpmiClient.connect({ host, port, pool, username: 'admin', password, keepaliveMs: 0 });
      await c.close();
    }
    rows.push({ area, metric: 'session setup + close, suite 17 (rescuebox)', value: +((performance.now() - t0) / N).toFixed(2), unit: 'ms', note: `mean of ${N}, lab BMC` });
    await pool.close();
    t0 = performance.now();
    for (let i = 0; i < 10; i++) await run('ipmitool', ['-I', 'lanplus', '-C', '17', '-H', host, '-p', String(port), '-U', 'admin', '-E', 'mc', 'info'], { ...process.env, IPMI_PASSWORD: password });
    rows.push({ area, metric: 'ipmitool -I lanplus -C 17 mc info (whole process)', value: +((performance.now() - t0) / 10).toFixed(2), unit: 'ms', note: 'mean of 10, same BMC' });
  } finally {
    fleet.child.kill('SIGKILL');
  }
  // SOL throughput at ipmi_sim's maximum payload, typed bytes echoed by a telnet server.
  const echo = await startTelnetEcho();
  const sim = await startIpmiSim({ username: 'admin', password: 'bench-pw', solTelnetPort: echo.port });
  const pool = new UdpPool({ bindAddress: '127.0.0.1' });
  try {
    const t = new SolTransport({ host: '127.0.0.1', port: sim.port, pool, username: 'admin', password: 'bench-pw', cipherSuites: [3], statusCheckMs: 0 });
    await t.open();
    const total = 64 * 1024;
    let got = 0;
    const t1 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SOL echo incomplete: ${got}/${total}`)), 60000);
      t.on('data', (d) => {
        got += d.length;
        if (got >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
      t.write(Buffer.alloc(total, 0x61));
    });
    const s = (performance.now() - t1) / 1000;
    rows.push({ area, metric: 'SOL throughput, typed + echoed (ipmi_sim, suite 3)', value: Math.round(total / 1024 / s), unit: 'KiB/s', note: `${total} bytes each way, ${t.stats.packetsOut} packets out` });
    await t.close();
  } finally {
    await pool.close();
    await sim.stop();
    await echo.close();
  }
  const f0 = performance.now();
  const n = fuzz(30000, 7);
  rows.push({ area, metric: 'decoder fuzzing rate', value: Math.round(n / ((performance.now() - f0) / 1000)), unit: 'inputs/s', note: `${n} mutated inputs, only DecodeError` });
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

export { run_ as run };
