/**
 * IPMI fan-out against BMC-only lab BMCs (lab/bmc/fleet-main.ts, its own process): the one
 * comparison of power status at 200 and 1000 BMCs, our CLI process against FreeIPMI ipmipower
 * in the same run, whole process wall time (start-up included), interleaved rounds, best and
 * median of each, with both processes' CPU and the fleet's meanwhile; our library in-process as
 * secondary rows, and at 200 BMCs the node floor (the same datagrams from a fresh node process, no
 * IPMI: node-floor/client.mjs), which shows what the IPMI work costs. Also session setup against
 * ipmitool and SOL throughput at the maximum payload size.
 * The CLI runs the way `npm run setup` installs it: the `rescuebox` command (bin/rescuebox, the
 * launcher package.json names) on the esbuild bundle (scripts/build.d/60-cli.sh), rebuilt here
 * whenever a source is newer, so the figure is for the code in the tree, never a stale bundle and
 * never the tsx fallback unless marked so. The environment is the bench's own, NODE_EXTRA_CA_CERTS
 * included: dropping it for `ipmi` is the launcher's job, so the 200-BMC rounds also time
 * `node bin/rescuebox.js` (no launcher) to show what it saves.
 * Every BMC gets its own 127.77.y.z address, so ipmipower's port-less labels
 * still name one BMC each. Passwords go through the environment or a 0600
 * file, never argv.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import type { BenchRow } from './types.ts';
import { timedExec, type TimedRun } from './timed-exec.ts';
import { ensureCliBundle, libraryPowerStatus } from './power-fanout.ts';
import { fastest, median } from './median.ts';
import { startEchoPeers } from './node-floor/echo-peers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const AREA = 'ipmi fleet';
const PASSWORD = 'fleet-bench-pw';
const USER = 'admin';

/** A timed run, and the CPU the fleet process spent meanwhile (it shares the machine's 2 cores). */
type Ran = TimedRun & { fleetCpuMs?: number };
let fleetPid: number | undefined;

/** utime + stime of a process, from /proc (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces: state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<Ran> {
  const before = fleetPid !== undefined ? processCpuMs(fleetPid) : undefined;
  const r = await timedExec(cmd, args, env, timeoutMs);
  return before !== undefined && fleetPid !== undefined ? { ...r, fleetCpuMs: processCpuMs(fleetPid) - before } : r;
}

async function startFleetProcess(count: number): Promise<{ child: ChildProcess; addresses: string[]; rssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/bmc/fleet-main.ts', '--count', String(count), '--spread'], {
    cwd: root,
    env: { ...process.env, RESCUEBOX_FLEET_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buf = '';
  const ready = await new Promise<{ addresses: string[]; rssMb: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fleet did not start within 60 s')), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      buf += s;
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(buf.slice(0, nl)) as { addresses: string[]; rssMb: number });
      }
    });
    child.on('exit', (c) => reject(new Error(`fleet exited (${c}) before it was ready`)));
  });
  return { child, ...ready };
}

/** BMC i of the fleet starts on when i is even. */
const expected = (i: number): 'on' | 'off' => (i % 2 === 0 ? 'on' : 'off');

function checkLines(lines: Map<string, string>, addrs: string[], key: (a: string) => string): { right: number; errors: number } {
  let right = 0;
  let errors = 0;
  addrs.forEach((a, i) => {
    const v = lines.get(key(a));
    if (v === expected(i)) right++;
    else errors++;
  });
  return { right, errors };
}

/** The installed command, and the same JS entry run by node directly (no launcher: NODE_EXTRA_CA_CERTS is loaded). */
const LAUNCHER = ['bin/rescuebox'];
const DIRECT = [process.execPath, 'bin/rescuebox.js'];
const caFile = process.env.NODE_EXTRA_CA_CERTS;

async function ours(addrs: string[], entry = LAUNCHER): Promise<Ran & { right: number; errors: number }> {
  const [cmd, ...pre] = entry as [string, ...string[]];
  const r = await exec(cmd, [...pre, 'ipmi', '--hosts', addrs.join(','), '-U', USER, '-C', '17', 'power', 'status'], { RESCUEBOX_IPMI_PASSWORD: PASSWORD });
  const lines = new Map<string, string>();
  for (const l of r.stdout.split('\n')) {
    const m = /^(\S+): (\S+)/.exec(l);
    if (m) lines.set(m[1] as string, m[2] as string);
  }
  return { ...r, ...checkLines(lines, addrs, (a) => a) };
}

async function ipmipower(addrs: string[], conf: string): Promise<Ran & { right: number; errors: number }> {
  const r = await exec('ipmipower', [`--config-file=${conf}`, '-D', 'LAN_2_0', '-h', addrs.join(','), '--stat']);
  const lines = new Map<string, string>();
  for (const l of r.stdout.split('\n')) {
    const m = /^(\S+): (.+)$/.exec(l);
    if (m) lines.set(m[1] as string, (m[2] as string).trim());
  }
  return { ...r, ...checkLines(lines, addrs, (a) => a.slice(0, a.lastIndexOf(':'))) };
}

async function library(addrs: string[]): Promise<{ ms: number; closedMs: number; right: number; errors: number }> {
  const targets = addrs.map((a) => ({ host: a.slice(0, a.lastIndexOf(':')), port: Number(a.slice(a.lastIndexOf(':') + 1)) }));
  const { ms, closedMs, results } = await libraryPowerStatus(targets, { username: USER, password: PASSWORD, cipherSuite: 17 });
  const right = results.filter((v, i) => v === expected(i)).length;
  return { ms, closedMs, right, errors: results.length - right };
}

/** The rounds' figure for `node bin/rescuebox.js` (no launcher), for the 200-BMC note. */
function directNote(xs: (Ran & { errors: number })[]): string {
  if (xs.length === 0) return '';
  const ms = xs.map((x) => x.ms);
  return `; without the launcher (node bin/rescuebox.js, NODE_EXTRA_CA_CERTS loaded) best ${Math.round(best(ms))} (median ${Math.round(median(ms))})${xs.some((x) => x.errors) ? ', some wrong or failed' : ''}, same rounds`;
}

const best = (xs: number[]): number => Math.min(...xs);

/** The CPU of a client run, and of the fleet meanwhile: on 2 cores their sum bounds the wall time from below. */
const cpuNote = (r: Ran): string => `CPU ${r.cpuMs !== undefined ? Math.round(r.cpuMs) : '?'} ms (user+sys), fleet process ${r.fleetCpuMs ?? '?'} ms meanwhile`;

/** The node-floor client against the echo peers, as the launcher runs node for `ipmi` (no NODE_EXTRA_CA_CERTS). */
async function nodeFloor(addrs: string[]): Promise<Ran> {
  const r = await exec(process.execPath, ['test/bench/node-floor/client.mjs', addrs.join(',')], { NODE_EXTRA_CA_CERTS: undefined });
  if (r.stdout.trim() !== `done ${addrs.length}`) throw new Error(`node-floor client: ${r.stdout}${r.stderr}`);
  return r;
}

const load = (): string => loadavg()[0]?.toFixed(1) ?? '?';

async function sessionSetup(addr: string): Promise<BenchRow[]> {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i);
  const port = Number(addr.slice(i + 1));
  const pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
  const n = 30;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    const c = await IpmiClient.connect({ host, port, username: USER, password: PASSWORD, cipherSuites: [17], pool });
    await c.mcInfo();
    await c.close();
  }
  const oursMs = (performance.now() - t0) / n;
  await pool.close();
  const m = 10;
  let toolMs = 0;
  for (let k = 0; k < m; k++) {
    const r = await exec('ipmitool', ['-I', 'lanplus', '-H', host, '-p', String(port), '-U', USER, '-E', '-C', '17', 'mc', 'info'], { IPMI_PASSWORD: PASSWORD });
    if (r.code !== 0) throw new Error(`ipmitool mc info failed: ${r.stderr}`);
    toolMs += r.ms;
  }
  toolMs /= m;
  return [
    { area: AREA, metric: 'session setup + Get Device ID + close, suite 17 (rescuebox library)', value: +oursMs.toFixed(2), unit: 'ms', note: `mean of ${n}, in-process` },
    { area: AREA, metric: 'session setup + Get Device ID + close, suite 17 (ipmitool mc info)', value: +toolMs.toFixed(2), unit: 'ms', note: `mean of ${m}, whole process` },
  ];
}

async function solThroughput(): Promise<BenchRow[]> {
  class Sink extends SimulatedMachine {
    typed = 0;
    onTyped: (() => void) | undefined;
    override writeSerial(d: Uint8Array): boolean {
      this.typed += d.length;
      this.onTyped?.();
      return true;
    }
  }
  const machine = new Sink('sol-bench', 'on');
  const bmc = new VirtualBmc({ machine, users: [{ name: USER, password: PASSWORD, privilege: 4 }] });
  const { host, ipmi } = await bmc.start();
  const pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
  const sol = new SolTransport({ host, port: ipmi, username: USER, password: PASSWORD, cipherSuites: [17], pool });
  try {
    await sol.open();
    const outBytes = 1024 * 1024;
    let got = 0;
    const t0 = performance.now();
    const done = new Promise<void>((res) =>
      sol.on('data', (d) => {
        got += d.length;
        if (got >= outBytes) res();
      }),
    );
    const chunk = Buffer.alloc(4096, 0x61);
    for (let i = 0; i < outBytes; i += chunk.length) machine.emit('serial', chunk);
    await done;
    const outMs = performance.now() - t0;
    const inBytes = 256 * 1024;
    const t1 = performance.now();
    const typed = new Promise<void>((res) => (machine.onTyped = () => machine.typed >= inBytes && res()));
    for (let i = 0; i < inBytes; i += 4096) sol.write(Buffer.alloc(4096, 0x62));
    await typed;
    const inMs = performance.now() - t1;
    const kbs = (b: number, ms: number) => +(b / 1024 / (ms / 1000)).toFixed(0);
    return [
      { area: AREA, metric: 'SOL BMC → console, 255-byte payloads, suite 17', value: kbs(outBytes, outMs), unit: 'KiB/s', note: '1 MiB, one packet in flight, lab BMC + SolTransport in one process' },
      { area: AREA, metric: 'SOL console → BMC, 255-byte payloads, suite 17', value: kbs(inBytes, inMs), unit: 'KiB/s', note: '256 KiB' },
    ];
  } finally {
    await sol.close();
    await pool.close();
    await bmc.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Built once, before any figure: every CLI run below times the same build.
  const bundled = await ensureCliBundle();
  const fleet = await startFleetProcess(1000);
  fleetPid = fleet.child.pid;
  const echo = await startEchoPeers(200);
  const dir = mkdtempSync(join(tmpdir(), 'rb-ipmi-bench-'));
  const conf = join(dir, 'freeipmi.conf');
  writeFileSync(conf, `username ${USER}\npassword ${PASSWORD}\ncipher-suite-id 17\nprivilege-level ADMIN\n`, { mode: 0o600 });
  try {
    rows.push({ area: AREA, metric: 'fleet process RSS, 1000 BMC-only virtual BMCs', value: fleet.rssMb, unit: 'MB' });
    const startups: number[] = [];
    const directStartups: number[] = [];
    const bareNode: number[] = [];
    for (let i = 0; i < 5; i++) {
      bareNode.push((await exec(process.execPath, ['-e', '0'], { NODE_EXTRA_CA_CERTS: undefined })).ms);
      startups.push((await exec('bin/rescuebox', ['ipmi', '--help'])).ms);
      directStartups.push((await exec(process.execPath, ['bin/rescuebox.js', 'ipmi', '--help'])).ms);
    }
    const tsxStart = await exec('bin/rescuebox', ['ipmi', '--help'], { RESCUEBOX_NO_BUNDLE: '1' });
    rows.push({
      area: AREA,
      metric: 'rescuebox CLI start-up (ipmi --help)',
      value: Math.round(best(startups)),
      unit: 'ms',
      note: `best of 5 (median ${Math.round(median(startups))}), bin/rescuebox, ${bundled ? 'esbuild bundle' : 'tsx: bundle build failed'}; ${caFile ? `node bin/rescuebox.js directly, loading NODE_EXTRA_CA_CERTS=${caFile}, best ${Math.round(best(directStartups))} (median ${Math.round(median(directStartups))}), interleaved` : `NODE_EXTRA_CA_CERTS unset here: node bin/rescuebox.js directly best ${Math.round(best(directStartups))}`}; through tsx (sources newer than the bundle) ${Math.round(tsxStart.ms)} ms; included in every CLI figure below; node -e 0 alone best ${Math.round(best(bareNode))} (median ${Math.round(median(bareNode))})`,
    });
    // Warm the fleet's JIT first, or whichever client runs first pays for it.
    await ipmipower(fleet.addresses.slice(0, 200), conf);
    await ours(fleet.addresses.slice(0, 200));
    for (const n of [200, 1000]) {
      const addrs = fleet.addresses.slice(0, n);
      const rounds = n === 200 ? 5 : 3;
      const o: (Ran & { right: number; errors: number })[] = [];
      const fi: (Ran & { right: number; errors: number })[] = [];
      const direct: (Ran & { right: number; errors: number })[] = [];
      const floor: Ran[] = [];
      const loads: string[] = [];
      // Interleaved, alternating who goes first: the machine is shared and its load moves.
      for (let r = 0; r < rounds; r++) {
        loads.push(load());
        const runs = [async () => fi.push(await ipmipower(addrs, conf)), async () => o.push(await ours(addrs))];
        if (n === 200 && caFile) runs.push(async () => direct.push(await ours(addrs, DIRECT)));
        if (n === 200) runs.push(async () => floor.push(await nodeFloor(echo.addresses)));
        for (const run of r % 2 === 0 ? runs : runs.reverse()) await run();
      }
      const ob = fastest(o);
      const fb = fastest(fi);
      const note = (r: { right: number; errors: number }) => `${r.right}/${n} correct${r.errors ? `, ${r.errors} wrong or failed` : ''}`;
      const allRight = (xs: { errors: number }[]) => xs.every((x) => x.errors === 0);
      const oMs = o.map((x) => x.ms);
      const fMs = fi.map((x) => x.ms);
      const won = o.filter((x, i) => x.ms < (fi[i] as Ran).ms).length;
      rows.push({
        area: AREA,
        metric: `power status ×${n} (rescuebox ipmi --hosts, CLI process)`,
        value: Math.round(ob.ms),
        unit: 'ms',
        target: n === 200 ? `< ipmipower (${Math.round(fb.ms)} ms)` : '<= 2000 ms',
        ok: (n === 200 ? ob.ms < fb.ms : ob.ms <= 2000) && allRight(o),
        note: `best of ${rounds} interleaved with ipmipower (median ${Math.round(median(oMs))}, all ${oMs.map(Math.round).join('/')}); faster than ipmipower in ${won}/${rounds} rounds; ${note(ob)}; ${cpuNote(ob)}; whole process incl. start-up, bin/rescuebox, ${bundled ? 'bundle' : 'tsx'}${directNote(direct)}; load avg ${loads.join('/')} (2 cores)`,
      });
      const rss = o.map((x) => x.maxRssMb ?? 0);
      if (rss.some((x) => x > 0)) {
        rows.push({ area: AREA, metric: `power status ×${n}: CLI peak RSS`, value: Math.round(Math.max(...rss)), unit: 'MB', ...(n === 1000 ? { target: '<= 100 MB', ok: Math.max(...rss) <= 100 } : {}), note: `highest of ${rounds} runs (lowest ${Math.round(Math.min(...rss))}); /usr/bin/time %M` });
      }
      rows.push({ area: AREA, metric: `power status ×${n} (ipmipower -D LAN_2_0 --stat)`, value: Math.round(fb.ms), unit: 'ms', note: `best of ${rounds} (median ${Math.round(median(fMs))}, all ${fMs.map(Math.round).join('/')}); ${note(fb)}${fb.maxRssMb !== undefined ? `, peak RSS ${Math.round(fb.maxRssMb)} MB` : ''}; ${cpuNote(fb)}` });
      if (floor.length > 0) {
        const lMs = floor.map((x) => x.ms);
        const lb = fastest(floor);
        const beaten = floor.filter((x, i) => x.ms < (fi[i] as Ran).ms).length;
        rows.push({
          area: AREA,
          metric: `node floor ×${n}: datagrams only, no IPMI (fresh node process)`,
          value: Math.round(lb.ms),
          unit: 'ms',
          note: `best of ${rounds}, same rounds (median ${Math.round(median(lMs))}, all ${lMs.map(Math.round).join('/')}); ahead of ipmipower in ${beaten}/${rounds} rounds; test/bench/node-floor/client.mjs: per BMC the CLI's 6 datagrams (5 answered by an echo peer in the bench process, which does no work), fan-out 64, no crypto, no session; CPU ${lb.cpuMs !== undefined ? Math.round(lb.cpuMs) : '?'} ms (user+sys); NODE_EXTRA_CA_CERTS unset. The gap to the CLI's row is what the IPMI work costs (docs/ipmi.md)`,
        });
      }
      const libs = [await library(addrs), await library(addrs)];
      const lb = fastest(libs);
      rows.push({ area: AREA, metric: `power status ×${n} (rescuebox library, in-process; secondary)`, value: Math.round(lb.ms), unit: 'ms', note: `best of 2, forEachBmc (what --hosts runs) from the call to the last answer (${Math.round(lb.closedMs)} ms until it returned: Close Sessions sent, pool closed), bench process under tsx, warm; ${note(lb)}` });
    }
    rows.push(...(await sessionSetup(fleet.addresses[0] as string)));
  } finally {
    fleet.child.kill('SIGTERM');
    fleetPid = undefined;
    await echo.close();
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(...(await solThroughput()));
  return rows;
}
