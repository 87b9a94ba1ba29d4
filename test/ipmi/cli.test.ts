import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startIpmiSim, type IpmiSim } from '../../lab/peers/ipmi-sim.ts';
import { startPyghmiBmc, type PyghmiBmc } from '../../lab/peers/pyghmi-bmc.ts';

// `rescuebox ipmi` end to end: the installed command (bin/rescuebox), password only through the environment.
const root = fileURLToPath(new URL('../..', import.meta.url));
const creds = { username: 'admin', password: 'cli-pass-7' };
let sim: IpmiSim;
let py: PyghmiBmc;

before(async () => {
  [sim, py] = await Promise.all([startIpmiSim(creds), startPyghmiBmc(creds)]);
});
after(async () => {
  await Promise.all([sim?.stop(), py?.stop()]);
});

function cli(args: string[], env: Record<string, string> = { RESCUEBOX_IPMI_PASSWORD: creds.password }): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn('bin/rescuebox', ['ipmi', ...args], { cwd: root, env: { ...process.env, RESCUEBOX_IPMI_PASSWORD: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('cli: power on --wait then status prints "on"', async () => {
  const on = await cli(['-H', '127.0.0.1', '-p', String(sim.port), '-U', creds.username, '-C', '3', 'power', 'on', '--wait']);
  assert.equal(on.code, 0, on.err);
  const st = await cli(['-H', '127.0.0.1', '-p', String(sim.port), '-U', creds.username, '-C', '3', 'power', 'status']);
  assert.equal(st.out, 'on\n');
});

test('cli: --hosts prints one line per BMC in order, errors with a reason, exit 1', async () => {
  const r = await cli(['--hosts', `127.0.0.1:${sim.port},127.0.0.1:9,127.0.0.1:${py.port}`, '-U', creds.username, '-C', '3', '--timeout', '200', '--retries', '1', 'power', 'status']);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 3, r.out + r.err);
  assert.match(lines[0] ?? '', new RegExp(`^127\\.0\\.0\\.1:${sim.port}: (on|off)$`));
  assert.match(lines[1] ?? '', /^127\.0\.0\.1:9: error no answer/);
  assert.match(lines[2] ?? '', new RegExp(`^127\\.0\\.0\\.1:${py.port}: off$`));
  assert.equal(r.code, 1);
});

test('cli: bootdev and a wrong password', async () => {
  const b = await cli(['-H', '127.0.0.1', '-p', String(py.port), '-U', creds.username, '-C', '3', 'bootdev', 'cdrom', '--efi']);
  assert.equal(b.code, 0, b.err);
  await py.waitFor((e) => e.event === 'bootdev' && e.device === 'optical');
  const bad = await cli(['-H', '127.0.0.1', '-p', String(py.port), '-U', creds.username, '-C', '3', 'power', 'status'], { RESCUEBOX_IPMI_PASSWORD: 'wrong' });
  assert.equal(bad.code, 1);
  assert.match(bad.err, /wrong password/);
});

test('cli: sol activate relays stdin/stdout and "~." ends it', async () => {
  // pyghmi refuses SOL while its machine is off.
  const on = await cli(['-H', '127.0.0.1', '-p', String(py.port), '-U', creds.username, '-C', '3', 'power', 'on']);
  assert.equal(on.code, 0, on.err);
  const p = spawn(process.execPath, ['bin/rescuebox.js', 'ipmi', '-H', '127.0.0.1', '-p', String(py.port), '-U', creds.username, '-C', '3', '-W', 'solpayloadsize,solport', 'sol', 'activate'], {
    cwd: root,
    env: { ...process.env, RESCUEBOX_IPMI_PASSWORD: creds.password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  const waitFor = (pred: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${what}: stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err)}`)), 15000);
      const check = () => {
        if (!pred()) return;
        clearTimeout(t);
        p.stdout.off('data', check);
        p.stderr.off('data', check);
        resolve();
      };
      p.stdout.on('data', check);
      p.stderr.on('data', check);
      check();
    });
  try {
    await waitFor(() => err.includes('SOL session operational'), 'SOL up');
    p.stdin.write('uname -a\r');
    await waitFor(() => out.includes('uname -a\r'), 'echo');
    p.stdin.write('~.');
    assert.equal(await exited, 0);
    assert.match(err, /SOL session closed/);
  } finally {
    if (p.exitCode === null && p.pid) process.kill(p.pid, 'SIGKILL');
  }
});
