import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditDigest } from '../../server/audit/audit-log.ts';
import { makeTestStore, createUser, loginForTest, TEST_PASSWORD } from './helpers.ts';

/**
 * A child server takes a burst of audited writes (target creations carrying a
 * BMC password) and is killed with SIGKILL mid-burst. Afterwards: the database
 * passes integrity_check, every audit row is whole (digest matches), every
 * acknowledged write is on record; and neither the logs, the data directory
 * nor `ps` ever showed the BMC password, the session cookie or CSRF token.
 */
const BMC_PASSWORD = 'kill9-bmc-' + Math.random().toString(36).slice(2, 12);
const seed = makeTestStore();
const dir = seed.dir;
after(() => seed.cleanup());

test('kill -9 during audited writes: integrity ok, no torn audit rows, no secret leaked', async () => {
  await createUser(seed, 'ada', 'admin');
  seed.db.close();

  const child = spawn(process.execPath, ['--import', 'tsx', 'test/auth/fixtures/child-server.ts', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const s = await loginForTest(base, 'ada', TEST_PASSWORD);
  const sessionToken = s.cookie.split('=')[1] ?? '';
  assert.ok(sessionToken.length > 20);

  const acked: string[] = [];
  const psSnapshots: string[] = [];
  let next = 0;
  let killed = false;
  const KILL_AFTER = 60;
  async function worker(): Promise<void> {
    while (!killed) {
      const id = `t-${next++}`;
      try {
        const res = await fetch(`${base}/api/targets`, { method: 'POST', headers: s.headers, body: JSON.stringify({ id, bmc: { protocol: 'ipmi', address: '10.1.0.1', user: 'root', password: BMC_PASSWORD }, console: { transport: 'ipmi-sol' } }) });
        if (res.status === 201) acked.push(id);
        await res.arrayBuffer();
      } catch {
        return; // the server is gone
      }
      if (acked.length >= (psSnapshots.length + 1) * 20) psSnapshots.push(spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout);
      if (acked.length >= KILL_AFTER && !killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  }
  await Promise.all(Array.from({ length: 6 }, worker));
  await exited;
  console.log(`# burst: ${acked.length} acknowledged writes in ${Math.round(performance.now() - t0)} ms`);
  assert.equal(child.signalCode, 'SIGKILL');

  const db = new Database(join(dir, 'rescuebox.db'));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const rows = db.prepare('SELECT id, at, user, action, target, outcome, detail, digest FROM audit ORDER BY id').all() as { id: number; at: number; user: string; action: string; target: string | null; outcome: string; detail: string; digest: string }[];
    const torn = rows.filter((r) => r.digest !== auditDigest(r));
    assert.deepEqual(torn, [], 'every audit row is whole');
    for (const r of rows) JSON.parse(r.detail);
    const audited = new Set(rows.filter((r) => r.action === 'target.create' && r.outcome === 'ok').map((r) => r.target));
    const missing = acked.filter((id) => !audited.has(id));
    assert.deepEqual(missing, [], 'every acknowledged write has its audit row');
    assert.ok(acked.length >= KILL_AFTER);
  } finally {
    db.close();
  }

  const logs = out + err;
  assert.ok(logs.includes('"request"') && logs.includes('[redacted]'), 'the child logged requests, redacted');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const dataBytes = Buffer.concat(files.map((f) => readFileSync(f)));
  const ps = psSnapshots.join('\n') + spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  assert.ok(psSnapshots.length > 0);
  for (const [name, secret] of [['BMC password', BMC_PASSWORD], ['session token', sessionToken], ['CSRF token', s.csrf], ['user password', TEST_PASSWORD]] as const) {
    assert.ok(!logs.includes(secret), `${name} in logs`);
    assert.equal(dataBytes.indexOf(secret), -1, `${name} in the data directory`);
    assert.ok(!ps.includes(secret), `${name} in ps`);
  }
});
