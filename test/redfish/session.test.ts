import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { hpe } from '../../bmc-adapters/redfish/quirks/hpe.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import { RULES } from './mockup-rules.ts';
import { makeCert, type TestCert } from './tls-cert.ts';

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-sess-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function open(tree: string, extra: Partial<Parameters<typeof RedfishClient.connect>[0]> = {}) {
  const srv = new MockupServer(tree, RULES[tree] ?? {}, cert);
  const url = await srv.start();
  const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock(), ...extra });
  return { srv, client };
}

const sessionPosts = (srv: MockupServer) => srv.seen.filter((r) => r.method === 'POST' && r.path.endsWith('/Sessions'));

describe('Redfish sessions', () => {
  it('logs in with X-Auth-Token, re-logs in exactly once on 401, deletes the session on close', async () => {
    const { srv, client } = await open('dell-idrac9');
    assert.equal(client.target.s.mode, 'session');
    assert.equal(sessionPosts(srv).length, 1);
    srv.expireSessions();
    assert.equal(await client.powerStatus(), 'On');
    assert.equal(sessionPosts(srv).length, 2, 'one re-login');
    const uri = client.target.s.sessionUri;
    assert.ok(uri?.startsWith('/redfish/v1/SessionService/Sessions/'));
    await client.close();
    assert.ok(srv.seen.some((r) => r.method === 'DELETE' && r.path === uri));
    await srv.stop();
  });

  it('does not loop when the re-login is refused too', async () => {
    const { srv, client } = await open('dell-idrac9');
    srv.expireSessions();
    // Break the password server-side: the re-login answers 401.
    const orig = srv.seen.length;
    (client.target.s as unknown as { creds: { password: string } }).creds.password = 'wrong';
    await assert.rejects(client.powerStatus(), { code: 'E_REDFISH_AUTH' });
    assert.equal(sessionPosts({ seen: srv.seen.slice(orig) } as MockupServer).length, 1);
    await client.close();
    await srv.stop();
  });

  it('uses @odata.id of the session when Location is missing (DELETE goes there)', async () => {
    const { srv, client } = await open('hpe-ilo6');
    const uri = client.target.s.sessionUri;
    assert.match(uri ?? '', /^\/redfish\/v1\/SessionService\/Sessions\/\d+$/);
    await client.close();
    assert.ok(srv.seen.some((r) => r.method === 'DELETE' && r.path === uri));
    await srv.stop();
  });

  it('falls back to HTTP Basic when there is no SessionService (iDRAC10 capture)', async () => {
    const { srv, client } = await open('dell-idrac10');
    assert.equal(client.target.s.mode, 'basic');
    await client.powerStatus();
    const last = srv.seen.at(-1);
    assert.match(String(last?.headers.authorization), /^Basic /);
    await client.close();
    await srv.stop();
  });

  it('mounts with HTTP Basic where the quirk says media dies with the session', async () => {
    const entry = { ...hpe, media: { ...hpe.media, basicAuthForInsert: true } };
    const { srv, client } = await open('hpe-ilo5', { quirkEntries: [entry] });
    assert.equal(client.target.s.mode, 'session');
    await client.mediaInsert('http://192.0.2.1/rescue.iso');
    const insert = srv.seen.find((r) => r.path.endsWith('VirtualMedia.InsertMedia'));
    assert.match(String(insert?.headers.authorization), /^Basic /);
    assert.equal(insert?.headers['x-auth-token'], undefined);
    await client.close();
    await srv.stop();
  });
});
