import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import { RULES } from './mockup-rules.ts';
import { makeCert, type TestCert } from './tls-cert.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-cli-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'redfish', ...args], {
      cwd: root,
      env: { ...process.env, RESCUEBOX_REDFISH_PASSWORD: PASSWORD, ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('rescuebox redfish CLI', () => {
  it('pins on first use, then power status / bootdev / media insert+status+eject; password from the environment', async () => {
    const srv = new MockupServer('supermicro-x13', RULES['supermicro-x13'] ?? {}, cert);
    const url = await srv.start();
    const pins = join(dir, 'pins.json');
    const g = ['-H', url, '-U', 'admin', '--pin-store', pins];
    try {
      const st = await cli([...g, 'power', 'status']);
      assert.equal(st.code, 0, st.stderr);
      assert.equal(st.stdout.trim(), 'On');
      assert.match(st.stderr, /pinned on first use: 127\.0\.0\.1:\d+ SHA256 [0-9A-F:]{95}/);
      assert.ok(readFileSync(pins, 'utf8').includes(cert.fingerprint));

      const boot = await cli([...g, 'bootdev', 'cd']);
      assert.equal(boot.code, 0, boot.stderr);
      assert.equal(JSON.parse(boot.stdout).boot.BootSourceOverrideTarget, 'UsbCd');

      const ins = await cli([...g, 'media', 'insert', 'http://192.0.2.1/media/t/x/rescue.iso']);
      assert.equal(ins.code, 0, ins.stderr);
      const slot = JSON.parse(ins.stdout) as { id: string; inserted: boolean };
      assert.ok(slot.id === 'VirtualMedia1' && slot.inserted);
      const ej = await cli([...g, 'media', 'eject']);
      assert.deepEqual((JSON.parse(ej.stdout) as { inserted: boolean }[]).map((s) => s.inserted), [false]);

      const bad = await cli([...g, 'power', 'status'], { RESCUEBOX_REDFISH_PASSWORD: 'wrong' });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /E_REDFISH_AUTH/);
    } finally {
      await srv.stop();
    }
  });
});
