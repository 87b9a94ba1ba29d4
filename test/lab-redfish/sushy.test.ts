/**
 * The lab Redfish BMC against sushy (python3-sushy), a client nobody here
 * wrote: read the system, power on, boot Cd once, insert media from the box's
 * media server (the BMC fetches it with Range requests), restart, eject, off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { startRedfishBmc } from '../../lab/bmc/redfish/redfish-bmc.ts';
import { startMediaServer } from '../../server/media/media-server.ts';
import { FetchLog } from '../../server/media/fetch-log.ts';
import { createLogger } from '../../server/log.ts';

function withoutCaBundles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { REQUESTS_CA_BUNDLE: _r, CURL_CA_BUNDLE: _c, ...rest } = env;
  return rest;
}

function runSushy(url: string, user: string, password: string, image: string, cafile: string): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(import.meta.dirname, 'sushy_client.py'), url, user, image, cafile], {
      // requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override the session's verify: drop them so the BMC's pinned certificate is what sushy checks.
      env: { ...withoutCaBundles(process.env), RB_SUSHY_PASSWORD: password, PYTHONWARNINGS: 'ignore' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stderr: err, lines: out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) });
    });
  });
}

test('sushy drives the lab Redfish BMC: power, boot once, virtual media', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-sushy-'));
  const mediaDir = join(dir, 'media');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(mediaDir);
  // 9 MiB + a bit: more than two of the BMC's 4 MiB Range requests.
  writeFileSync(join(mediaDir, 'rescue.iso'), randomBytes(9 * 1024 * 1024 + 123));
  const log = createLogger({ level: 'silent' });
  const fetchLog = new FetchLog();
  const media = await startMediaServer({
    config: { dir: mediaDir, listen: { host: '127.0.0.1', port: 0 }, tokenTtlS: 600 },
    key: randomBytes(32),
    fetchLog,
    log,
  });
  const machine = new SimulatedMachine('lab-sushy');
  const password = randomBytes(12).toString('hex');
  const bmc = await startRedfishBmc({ machine, users: { admin: password }, stateDir: dir });
  t.after(async () => {
    await bmc.close();
    await media.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const { url: image } = media.urlFor('lab-sushy', 'rescue.iso');
  const r = await runSushy(bmc.url, 'admin', password, image, bmc.certPath);
  assert.equal(r.code, 0, `sushy failed:\n${r.stderr}`);
  const step = (name: string) => {
    const s = r.lines.find((l) => l.step === name);
    assert.ok(s, `sushy printed no ${name} step:\n${r.stderr}`);
    return s;
  };
  assert.match(String(step('system').power), /off/i);
  assert.match(String(step('power-on').power), /on/i);
  assert.match(String(step('boot').target), /cd/i);
  assert.match(String(step('boot').enabled), /once/i);
  assert.deepEqual([step('insert').image, step('insert').inserted], [image, true]);
  // The one-time override was used by the restart and cleared.
  assert.equal(machine.lastBootDevice, 'cdrom');
  assert.equal(machine.getBootOverride().device, 'none');
  assert.deepEqual([step('eject').image, step('eject').inserted], [null, false]);
  assert.match(String(step('power-off').power), /off/i);
  assert.equal(machine.power, 'off');
  // The BMC read the whole image with Range requests.
  const ranged = fetchLog.list().filter((f) => f.method === 'GET');
  assert.ok(ranged.length >= 3, `expected >= 3 ranged GETs, saw ${ranged.length}`);
  assert.ok(ranged.every((f) => f.status === 206));
  assert.ok(bmc.requests.includes('POST /redfish/v1/SessionService/Sessions'), 'sushy logs in with a session');
});
