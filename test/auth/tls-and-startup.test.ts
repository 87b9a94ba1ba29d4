import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import Database from 'better-sqlite3';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { isLoopbackHost } from '../../server/tls/listen-policy.ts';
import { ensureCertificate } from '../../server/tls/ensure-certificate.ts';
import { ensureFirstAdmin } from '../../server/auth/bootstrap-admin.ts';
import { openDatabase } from '../../server/store/open-database.ts';
import { MIGRATIONS } from '../../server/store/migrations/index.ts';
import { loadMasterKey } from '../../server/secrets/master-key.ts';
import { makeTestStore } from './helpers.ts';

test('plain HTTP is refused on a non-loopback address, allowed on loopback; HTTPS is the default', () => {
  assert.throws(() => loadConfig({ raw: { listen: { host: '0.0.0.0' }, tls: { mode: 'off' } }, env: {} }), (e: unknown) => e instanceof ConfigError && /listen\.host: 0\.0\.0\.0 is not a loopback/.test(e.message));
  assert.throws(() => loadConfig({ raw: { listen: { host: '10.0.0.2' } }, env: { RESCUEBOX_TLS: 'off' } }), ConfigError);
  assert.equal(loadConfig({ raw: { listen: { host: '127.0.0.1' }, tls: { mode: 'off' } }, env: {} }).tls.mode, 'off');
  assert.equal(loadConfig({ raw: {}, env: {} }).tls.mode, 'auto');
  for (const h of ['127.0.0.1', '127.5.5.5', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['0.0.0.0', '::', '10.0.0.1', 'rescuebox.lan']) assert.ok(!isLoopbackHost(h), h);
});

test('first start generates a self-signed certificate with a 0600 key, reused afterwards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-tls-'));
  try {
    const a = ensureCertificate({ dataDir: dir, hostnames: ['rescue.example', '192.0.2.7'] });
    assert.ok(a.generated);
    assert.equal(statSync(join(dir, 'tls', 'key.pem')).mode & 0o777, 0o600);
    const x = new X509Certificate(a.cert);
    assert.match(x.subjectAltName ?? '', /DNS:rescue\.example/);
    assert.match(x.subjectAltName ?? '', /IP Address:192\.0\.2\.7/);
    const b = ensureCertificate({ dataDir: dir });
    assert.equal(b.generated, false);
    assert.equal(b.fingerprint256, a.fingerprint256);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('first admin: random password printed once, or taken from the environment (then removed from it)', async () => {
  const store = makeTestStore();
  try {
    const lines: string[] = [];
    const env: NodeJS.ProcessEnv = {};
    assert.equal(await ensureFirstAdmin(store.users, store.audit, { env, print: (l) => lines.push(l) }), true);
    const pw = /password: (\S+)/.exec(lines.join('\n'))?.[1];
    assert.ok(pw && pw.length >= 20);
    assert.ok(await store.users.authenticate('admin', pw));
    assert.equal(await ensureFirstAdmin(store.users, store.audit, { env, print: (l) => lines.push(l) }), false, 'only at first start');
    assert.equal(lines.length, 1, 'printed once');
  } finally {
    store.cleanup();
  }
  const store2 = makeTestStore();
  try {
    const env: NodeJS.ProcessEnv = { RESCUEBOX_ADMIN_PASSWORD: 'from the environment' };
    const lines: string[] = [];
    await ensureFirstAdmin(store2.users, store2.audit, { env, print: (l) => lines.push(l) });
    assert.equal(env.RESCUEBOX_ADMIN_PASSWORD, undefined);
    assert.ok(!lines.join('').includes('from the environment'));
    assert.ok(await store2.users.authenticate('admin', 'from the environment'));
  } finally {
    store2.cleanup();
  }
});

test('migrations: applied once, recorded in user_version, WAL and synchronous=FULL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-db-'));
  try {
    openDatabase(dir).close();
    const db = openDatabase(dir);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['users', 'role_grants', 'sessions', 'api_tokens', 'targets', 'secrets', 'audit', 'playbook_runs', 'transcript_index']) assert.ok(tables.includes(t), t);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    assert.throws(() => openDatabase(dir), { code: 'E_STORE_NEWER' });
    new Database(join(dir, 'rescuebox.db')).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('secret key: from RESCUEBOX_SECRET_KEY (32 bytes base64) or a 0600 file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-key-'));
  try {
    const k = loadMasterKey(dir, {});
    assert.equal(k.length, 32);
    assert.deepEqual(loadMasterKey(dir, {}), k);
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    assert.deepEqual(loadMasterKey(dir, { RESCUEBOX_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') }), Buffer.alloc(32, 1));
    assert.throws(() => loadMasterKey(dir, { RESCUEBOX_SECRET_KEY: 'c2hvcnQ=' }), { code: 'E_SECRET_KEY' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
