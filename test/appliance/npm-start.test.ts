/**
 * The README's contract: `npm start` with no configuration starts lab-1 (a
 * QEMU machine behind the lab's virtual IPMI BMC), registers it, prints the
 * URL, and its console works over IPMI SOL through our own client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import WebSocket from 'ws';
import { FRAME_INPUT, decodeOffsetFrame } from '../../server/wire.ts';

const root = join(import.meta.dirname, '../..');

function waitFor<T>(what: string, timeoutMs: number, register: (done: (v: T) => void, fail: (e: Error) => void) => () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let off = (): void => undefined;
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    off = register(
      (v) => {
        clearTimeout(timer);
        off();
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        off();
        reject(e);
      },
    );
  });
}

test('npm start brings up lab-1 with its console over IPMI SOL', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rb-npm-start-'));
  const password = randomBytes(12).toString('hex');
  const child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, RESCUEBOX_DATA_DIR: dataDir, RESCUEBOX_PORT: '0', RESCUEBOX_MEDIA_PORT: '0', RESCUEBOX_ADMIN_PASSWORD: password, RESCUEBOX_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  t.after(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = await waitFor<string>('the printed URL', 180_000, (done, fail) => {
    const check = (): void => {
      const m = /listening on (https:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m) done(m[1]!);
    };
    const onExit = (code: number | null): void => {
      fail(new Error(`npm start exited with ${code}:\n${stdout}\n${stderr}`));
    };
    child.stdout.on('data', check);
    child.once('exit', onExit);
    check();
    return () => {
      child.stdout.off('data', check);
      child.off('exit', onExit);
    };
  });
  assert.doesNotMatch(stdout + stderr, new RegExp(password), 'the admin password from the environment is never printed');
  const fingerprint = /TLS certificate SHA-256 ([0-9A-F:]+)/.exec(stdout)?.[1];
  assert.ok(fingerprint, 'the certificate fingerprint is printed');

  // The generated certificate is self-signed: accept exactly the fingerprint the server printed.
  const { checkServerIdentity } = await import('node:tls');
  const pinned = {
    rejectUnauthorized: false,
    checkServerIdentity: (host: string, cert: { fingerprint256: string }) =>
      cert.fingerprint256 === fingerprint ? undefined : checkServerIdentity(host, cert as never),
  };
  const dispatcher = new Agent({ connect: pinned });
  const origin = url.replace(/\/$/, '');
  const login = await fetch(`${origin}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username: 'admin', password }),
    // @ts-expect-error undici dispatcher option on Node's fetch
    dispatcher,
  });
  assert.equal(login.status, 200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  // @ts-expect-error undici dispatcher option on Node's fetch
  const targets = (await (await fetch(`${origin}/api/targets`, { headers: { cookie }, dispatcher })).json()) as { id: string; console: { kind: string } }[];
  assert.deepEqual(targets.map((x) => [x.id, x.console.kind]), [['lab-1', 'ipmi-sol']]);

  const ws = new WebSocket(`${origin.replace('https', 'wss')}/api/targets/lab-1/console?mode=rw`, { headers: { cookie, origin }, ...pinned });
  t.after(() => ws.close());
  let screen = '';
  const marker = `rb-${randomBytes(4).toString('hex')}`;
  ws.on('message', (d: Buffer, binary: boolean) => {
    if (binary) screen += Buffer.from(decodeOffsetFrame(new Uint8Array(d)).payload).toString('latin1');
  });
  await waitFor('the lab shell prompt over SOL', 180_000, (done) => {
    const check = (): void => {
      if (/lab-1:~# /.test(screen)) done(undefined);
    };
    ws.on('message', check);
    return () => ws.off('message', check);
  });
  ws.send(JSON.stringify({ t: 'lock', action: 'request' }));
  await waitFor('the write lock', 10_000, (done) => {
    const check = (d: Buffer, binary: boolean): void => {
      if (!binary && (JSON.parse(d.toString()) as { t: string; holder?: { user: string } }).holder?.user === 'admin') done(undefined);
    };
    ws.on('message', check);
    return () => ws.off('message', check);
  });
  ws.send(Buffer.concat([Buffer.from([FRAME_INPUT]), Buffer.from(`echo ${marker.slice(0, 3)}''${marker.slice(3)}\r`)]));
  await waitFor(`the echo of ${marker}`, 60_000, (done) => {
    const check = (): void => {
      if (screen.includes(`\r\n${marker}\r\n`)) done(undefined);
    };
    ws.on('message', check);
    return () => ws.off('message', check);
  });
});
