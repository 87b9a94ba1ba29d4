/**
 * IPMI fan-out against a fleet of OpenIPMI ipmi_sim processes (issue 4's benchmark):
 * power status of every sim with our CLI `--hosts -C 3` and FreeIPMI `ipmipower -D LAN_2_0 --stat`
 * in interleaved rounds of the same run, and with our library in-process. ipmi_sim speaks suite 3 only.
 * Each sim gets its own 127.78.y.z address (and a port we hand out: ipmi_sim binds a
 * taken port silently), so ipmipower's port-less labels still name one sim each.
 * Passwords go through a 0600 file or the environment, never argv. Every sim is
 * killed by PID in a finally, even when the bench fails.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIpmiSim, type IpmiSim } from '../../lab/peers/ipmi-sim.ts';
import type { BenchRow } from './types.ts';
import { timedExec, type TimedRun } from './timed-exec.ts';
import { ensureCliBundle, libraryPowerStatus } from './power-fanout.ts';
import { fastest, median } from './median.ts';

const AREA = 'ipmi ipmi_sim fleet';
const USER = 'admin';
const PASSWORD = 'simfleet-pw';
/** Wanted fleet size; RB_SIM_FLEET overrides it (e.g. on a smaller machine). */
const WANTED = Number(process.env.RB_SIM_FLEET ?? 200);
const BATCH = 20;
const ROUNDS = 5;

type Ran = TimedRun;
const exec = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 180_000): Promise<Ran> => timedExec(cmd, args, env, timeoutMs);

/** Sim i starts powered on when i is even. */
const expected = (i: number): 'on' | 'off' => (i % 2 === 0 ? 'on' : 'off');
const addressOf = (i: number): string => `127.78.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** Resident memory of one process in KiB, from /proc (0 when it is gone). */
function rssKb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Starts up to `n` sims in parallel batches, pushing each into `sims` as soon as it answers. */
async function startFleet(n: number, sims: IpmiSim[]): Promise<{ ms: number; failures: string[] }> {
  const t0 = performance.now();
  const failures: string[] = [];
  for (let b = 0; b < n; b += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - b) }, (_, k) => b + k);
    const got = await Promise.allSettled(
      batch.map((i) => startIpmiSim({ username: USER, password: PASSWORD, address: addressOf(i), power: expected(i), startupTimeoutMs: 15_000 })),
    );
    // Keep index order: sim i sits at sims[i] so expected(i) applies.
    for (const r of got) {
      if (r.status === 'fulfilled') sims.push(r.value);
      else failures.push((r.reason as Error).message);
    }
    if (failures.length > 0) break;
  }
  return { ms: performance.now() - t0, failures };
}

type Score = { right: number; errors: number };
function score(got: Map<string, string>, sims: IpmiSim[], key: (s: IpmiSim, i: number) => string): Score {
  let right = 0;
  sims.forEach((s, i) => {
    if (got.get(key(s, i)) === expected(i)) right++;
  });
  return { right, errors: sims.length - right };
}

const target = (s: IpmiSim, i: number): string => `${addressOf(i)}:${s.port}`;

async function library(sims: IpmiSim[]): Promise<{ ms: number } & Score> {
  const { ms, results } = await libraryPowerStatus(sims.map((s, i) => ({ host: addressOf(i), port: s.port })), { username: USER, password: PASSWORD, cipherSuite: 3 });
  const right = results.filter((v, i) => v === expected(i)).length;
  return { ms, right, errors: results.length - right };
}

async function ours(sims: IpmiSim[]): Promise<Ran & Score> {
  const hosts = sims.map(target).join(',');
  const r = await exec('bin/rescuebox', ['ipmi', '--hosts', hosts, '-U', USER, '-C', '3', 'power', 'status'], { RESCUEBOX_IPMI_PASSWORD: PASSWORD });
  const lines = new Map<string, string>();
  for (const l of r.stdout.split('\n')) {
    const m = /^(\S+): (\S+)/.exec(l);
    if (m) lines.set(m[1] as string, m[2] as string);
  }
  return { ...r, ...score(lines, sims, target) };
}

async function ipmipower(sims: IpmiSim[], conf: string): Promise<Ran & Score> {
  const r = await exec('ipmipower', [`--config-file=${conf}`, '-D', 'LAN_2_0', '-h', sims.map(target).join(','), '--stat']);
  const lines = new Map<string, string>();
  for (const l of r.stdout.split('\n')) {
    const m = /^(\S+): (.+)$/.exec(l);
    if (m) lines.set(m[1] as string, (m[2] as string).trim());
  }
  // ipmipower labels a result by host only; every sim has its own address.
  return { ...r, ...score(lines, sims, (_s, i) => addressOf(i)) };
}

/** The first output line that is not a plain on/off answer, for the note. */
function firstOdd(stdout: string): string {
  const l = stdout.split('\n').find((x) => x.trim() !== '' && !/: (on|off)$/.test(x.trim()));
  return l ? `; first other line: "${l.trim().slice(0, 80)}"` : '';
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sims: IpmiSim[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rb-simfleet-bench-'));
  const conf = join(dir, 'freeipmi.conf');
  // ipmi_sim reports maximum privilege 0 in its Open Session Response: FreeIPMI's opensesspriv workaround.
  writeFileSync(conf, `username ${USER}\npassword ${PASSWORD}\ncipher-suite-id 3\nprivilege-level ADMIN\nworkaround-flags opensesspriv\n`, { mode: 0o600 });
  try {
    const start = await startFleet(WANTED, sims);
    const n = sims.length;
    if (n === 0) throw new Error(`no ipmi_sim started: ${start.failures[0] ?? '?'}`);
    const short = n < WANTED ? `only ${n} of ${WANTED} ipmi_sim started (${start.failures[0] ?? '?'}); ` : '';
    const rssMb = sims.reduce((t, s) => t + rssKb(s.pid), 0) / 1024;
    rows.push({ area: AREA, metric: `start ${n} ipmi_sim (batches of ${BATCH})`, value: Math.round(start.ms), unit: 'ms', note: `${short}each its own lan.conf/emu, 127.78.y.z address and port` });
    rows.push({ area: AREA, metric: `total RSS of ${n} ipmi_sim`, value: Math.round(rssMb), unit: 'MB', note: `${(rssMb / n).toFixed(1)} MB each (VmRSS, shared pages counted per process)` });
    // One unscored run each first: the sims' first logins (pages, ipmi_sim's own setup) cost whoever comes first.
    const bundled = await ensureCliBundle();
    const warmup = [await ipmipower(sims, conf), await ours(sims)];
    const o: (Ran & Score)[] = [];
    const fi: (Ran & Score)[] = [];
    // Interleaved, alternating who goes first, as in the lab fleet's bench: the machine's load moves.
    for (let r = 0; r < ROUNDS; r++) {
      const runs = [async () => fi.push(await ipmipower(sims, conf)), async () => o.push(await ours(sims))];
      for (const run of r % 2 === 0 ? runs : runs.reverse()) await run();
    }
    const lib = await library(sims);
    const ob = fastest(o);
    const fb = fastest(fi);
    const all = (xs: Ran[]) => `median ${Math.round(median(xs.map((x) => x.ms)))}, all ${xs.map((x) => Math.round(x.ms)).join('/')}`;
    const cpu = (r: Ran) => (r.cpuMs !== undefined ? `, CPU ${Math.round(r.cpuMs)} ms (user+sys)` : '');
    const note = (r: Score) => `${short}${r.right}/${n} correct${r.errors ? `, ${r.errors} wrong or failed` : ''}`;
    const rss = (r: Ran) => (r.maxRssMb !== undefined ? `, peak RSS ${Math.round(r.maxRssMb)} MB` : '');
    const won = o.filter((x, i) => x.ms < (fi[i] as Ran).ms).length;
    rows.push({
      area: AREA,
      metric: `power status ×${n} ipmi_sim, suite 3 (rescuebox ipmi --hosts -C 3, CLI process)`,
      value: Math.round(ob.ms),
      unit: 'ms',
      target: `< ipmipower (${Math.round(fb.ms)} ms)`,
      ok: ob.ms < fb.ms && o.every((x) => x.errors === 0),
      note: `best of ${ROUNDS} interleaved with ipmipower (${all(o)}); faster than ipmipower in ${won}/${ROUNDS} rounds; ${note(ob)}${rss(ob)}${cpu(ob)}; ${bundled ? 'CLI bundle' : 'CLI through tsx (bundle build failed)'}; unscored first runs: ipmipower ${Math.round((warmup[0] as Ran).ms)}, CLI ${Math.round((warmup[1] as Ran).ms)}${firstOdd(ob.stdout)}`,
    });
    rows.push({
      area: AREA,
      metric: `power status ×${n} ipmi_sim, suite 3 (ipmipower -D LAN_2_0 --stat)`,
      value: Math.round(fb.ms),
      unit: 'ms',
      note: `best of ${ROUNDS} (${all(fi)}); ${note(fb)}${rss(fb)}${cpu(fb)}${firstOdd(fb.stdout)}`,
    });
    rows.push({ area: AREA, metric: `power status ×${n} ipmi_sim, suite 3 (rescuebox library, in-process)`, value: Math.round(lib.ms), unit: 'ms', note: note(lib) });
    if (fb.right === 0 && fb.stdout.length + fb.stderr.length > 0) console.error(`ipmipower output starts: ${(fb.stdout + fb.stderr).slice(0, 300)}`);
    if (ob.right === 0) console.error(`rescuebox CLI output starts: ${(ob.stdout + ob.stderr).slice(0, 300)}`);
  } finally {
    // Kill every sim by PID (stop() SIGKILLs it and removes its directory), failures or not.
    await Promise.allSettled(sims.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
