import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { EtagCache } from '../../bmc-adapters/redfish/etag.ts';
import { RedfishHttp } from '../../bmc-adapters/redfish/http.ts';
import { RedfishSession } from '../../bmc-adapters/redfish/session.ts';
import { awaitTask, retryAfterMs } from '../../bmc-adapters/redfish/tasks.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { MockupServer, PASSWORD } from './mockup-server.ts';
import { makeCert, type TestCert } from './tls-cert.ts';
import { json, startTiny } from './tiny-https.ts';

let dir: string;
let cert: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-task-'));
  cert = makeCert(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('task monitors', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs(new Date(now + 4000).toUTCString(), now), 4000);
    assert.equal(retryAfterMs(new Date(now - 4000).toUTCString(), now), 0);
    assert.equal(retryAfterMs('soon', now), 1000);
    assert.equal(retryAfterMs(undefined, now), 1000);
  });

  it('polls a 202 + Location monitor with the injected clock until the task completes', async () => {
    const clock = new FakeClock();
    let polls = 0;
    const srv = await startTiny(cert, (req, res) => {
      if (req.url === '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset') {
        return json(res, 202, {}, { location: '/redfish/v1/TaskService/TaskMonitors/9', 'retry-after': '3' });
      }
      polls++;
      if (polls === 1) return json(res, 202, {}, { 'retry-after': new Date(clock.now() + 5000).toUTCString() });
      if (polls === 2) return json(res, 200, { TaskState: 'Running' }, { 'retry-after': '2' });
      return json(res, 200, { TaskState: 'Completed', TaskStatus: 'OK' });
    });
    const http = new RedfishHttp({ baseUrl: srv.url, pin: { store: new MemoryPinStore() } });
    const s = new RedfishSession(http, { user: 'u', password: 'p' });
    s.mode = 'basic';
    const first = await s.request('POST', '/redfish/v1/Systems/1/Actions/ComputerSystem.Reset', { json: { ResetType: 'On' } });
    const done = await awaitTask(s, first, { clock });
    assert.equal((done.body as { TaskState: string }).TaskState, 'Completed');
    assert.deepEqual(clock.waits, [3000, 5000, 2000]);
    await http.close();
    await srv.stop();
  });

  it('a failed task is an error', async () => {
    const srv = await startTiny(cert, (req, res) =>
      req.method === 'POST' ? json(res, 202, {}, { location: '/t/1' }) : json(res, 200, { TaskState: 'Exception', Messages: [{ MessageId: 'X' }] }),
    );
    const http = new RedfishHttp({ baseUrl: srv.url, pin: { store: new MemoryPinStore() } });
    const s = new RedfishSession(http, { user: 'u', password: 'p' });
    s.mode = 'basic';
    const first = await s.request('POST', '/a', { json: {} });
    await assert.rejects(awaitTask(s, first, { clock: new FakeClock() }), { code: 'E_REDFISH_TASK_FAILED' });
    await http.close();
    await srv.stop();
  });
});

describe('ETags', () => {
  it('never remembers an empty ETag', () => {
    const c = new EtagCache();
    c.remember('/x', { status: 200, headers: { etag: '' }, body: { '@odata.etag': '  ' } });
    assert.equal(c.get('/x'), undefined);
  });

  it('retries a 412 on a weak ETag with a fresh read and then its strong form', async () => {
    const srv = new MockupServer('hpe-ilo5', { strongEtags: true }, cert);
    const url = await srv.start();
    const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
    await client.bootOverride({ device: 'cd' });
    const patches = srv.seen.filter((r) => r.method === 'PATCH');
    assert.deepEqual(
      patches.map((p) => [p.headers['if-match'], p.status]),
      [['W/"9B9F7D67"', 412], ['W/"9B9F7D67"', 412], ['"9B9F7D67"', 200]],
    );
    await client.close();
    await srv.stop();
  });

  it('sends If-Match from the last GET on PATCH-only media (XCC)', async () => {
    const srv = new MockupServer('lenovo-xcc', { patchNeedsIfMatch: true }, cert);
    const url = await srv.start();
    const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
    await client.mediaInsert('http://192.0.2.1/r.iso');
    const patch = srv.seen.find((r) => r.method === 'PATCH');
    assert.equal(patch?.headers['if-match'], '"4ad76310d5e92ae95a1"');
    assert.equal(patch?.status, 200);
    await client.close();
    await srv.stop();
  });

  it('moves on to the next free slot when one refuses the mount (QUIRKS C2)', async () => {
    const srv = new MockupServer('lenovo-xcc', { patchNeedsIfMatch: true, refuseSlots: ['EXT1'] }, cert);
    const url = await srv.start();
    const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
    const slot = await client.mediaInsert('http://192.0.2.1/r.iso');
    assert.equal(slot.id, 'EXT2');
    assert.deepEqual(
      srv.writes().map((w) => [w.path.split('/').pop(), w.status]),
      [['EXT1', 400], ['EXT2', 200]],
    );
    await client.close();
    await srv.stop();
  });
});
