/** A bad configuration is refused at start with the file, the field's path and why; environment overrides the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.ts';

const root = join(import.meta.dirname, '../..');

function withFile(text: string, fn: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'rb-config-'));
  try {
    const file = join(dir, 'rescuebox.yaml');
    writeFileSync(file, text);
    fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a wrong value names the file and the field path', () => {
  withFile('listen:\n  port: 99999\nconsole:\n  ringBytes: 12\n', (file) => {
    assert.throws(
      () => loadConfig({ file, env: {} }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(`${file}: listen.port:`) && e.message.includes(`${file}: console.ringBytes:`),
    );
  });
});

test('broken YAML names the file, line and column', () => {
  withFile('listen:\n  port: [1, 2\n', (file) => {
    assert.throws(() => loadConfig({ file, env: {} }), (e: unknown) => e instanceof ConfigError && new RegExp(`${file}:\\d+:\\d+: not valid YAML`).test(e.message));
  });
});

test('targets in the file take the shape of the API, but never a BMC password', () => {
  withFile('targets:\n  - id: rack-a-1\n    tags: [rack-a]\n    bmc: { protocol: ipmi, address: 127.0.0.1, user: admin, password: hunter2 }\n    console: { transport: ipmi-sol }\n', (file) => {
    assert.throws(() => loadConfig({ file, env: {} }), (e: unknown) => e instanceof ConfigError && /targets\.0\.bmc\.password: not allowed in the configuration file/.test(e.message));
  });
  withFile('targets:\n  - id: rack-a-1\n    console: { transport: tcp, host: 127.0.0.1, port: 7001 }\n', (file) => {
    assert.deepEqual(loadConfig({ file, env: {} }).targets.map((t) => [t.id, t.console.transport, t.bmc.protocol]), [['rack-a-1', 'tcp', 'none']]);
  });
});

test('environment overrides the file', () => {
  withFile('listen:\n  host: 127.0.0.1\n  port: 9000\n', (file) => {
    const c = loadConfig({ file, env: { RESCUEBOX_PORT: '9100', RESCUEBOX_MEDIA_PORT: '0', RESCUEBOX_LAB: '0' } });
    assert.equal(c.listen.port, 9100);
    assert.equal(c.media.listen.port, 0);
    assert.equal(c.lab.enabled, false);
  });
});

test('npm start refuses a bad configuration with exit 2 and the field path, before starting anything', () => {
  withFile('targets:\n  - id: Bad_Name\n    console: { kind: tcp }\n', (file) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: { ...process.env, RESCUEBOX_CONFIG: file },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /configuration refused/);
    assert.match(r.stderr, /targets\.0\.id: lowercase letters/);
  });
});
