import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishHttp } from '../../bmc-adapters/redfish/http.ts';
import { FilePinStore, normalizeFingerprint, type TlsPinError, type PinEvent } from '../../bmc-adapters/redfish/tls-pin.ts';
import { makeCert, type TestCert } from './tls-cert.ts';
import { json, startTiny } from './tiny-https.ts';

let dir: string;
let certA: TestCert;
let certB: TestCert;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-pin-'));
  certA = makeCert(dir, 'a');
  certB = makeCert(dir, 'b');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS certificate pinning', () => {
  it('pins on first use, refuses a changed certificate, accepts it once the operator does', async () => {
    const store = new FilePinStore(join(dir, 'pins.json'));
    const events: PinEvent[] = [];
    const srvA = await startTiny(certA, (_q, r) => json(r, 200, { Id: 'RootService' }));
    const port = new URL(srvA.url).port;
    const hostPort = `127.0.0.1:${port}`;

    const h1 = new RedfishHttp({ baseUrl: srvA.url, pin: { store, onPin: (e) => events.push(e) } });
    assert.equal((await h1.send('GET', '/redfish/v1/')).status, 200);
    await h1.close();
    assert.deepEqual(events, [{ hostPort, fingerprint: normalizeFingerprint(certA.fingerprint), kind: 'first-use' }]);
    assert.equal(JSON.parse(readFileSync(join(dir, 'pins.json'), 'utf8'))[hostPort], normalizeFingerprint(certA.fingerprint));

    // Same port, new certificate: the BMC was "replaced".
    await srvA.stop();
    const { createServer } = await import('node:https');
    const swapped = createServer({ key: certB.key, cert: certB.cert }, (_q, r) => json(r, 200, { Id: 'RootService' }));
    await new Promise<void>((r) => swapped.listen(Number(port), '127.0.0.1', r));
    try {
      const h2 = new RedfishHttp({ baseUrl: srvA.url, pin: { store } });
      await assert.rejects(h2.send('GET', '/redfish/v1/'), (e: TlsPinError) => {
        assert.equal(e.code, 'E_TLS_PIN_CHANGED');
        assert.equal(e.pinned, normalizeFingerprint(certA.fingerprint));
        assert.equal(e.presented, normalizeFingerprint(certB.fingerprint));
        assert.match(e.message, /--accept-fingerprint/);
        return true;
      });
      await h2.close();

      // A wrong accepted value changes nothing.
      const h3 = new RedfishHttp({ baseUrl: srvA.url, pin: { store, accept: certA.fingerprint } });
      await assert.rejects(h3.send('GET', '/redfish/v1/'), { code: 'E_TLS_PIN_CHANGED' });
      await h3.close();

      const h4 = new RedfishHttp({ baseUrl: srvA.url, pin: { store, accept: certB.fingerprint.toLowerCase(), onPin: (e) => events.push(e) } });
      assert.equal((await h4.send('GET', '/redfish/v1/')).status, 200);
      await h4.close();
      assert.equal(events.at(-1)?.kind, 'accepted');
      assert.equal(store.get(hostPort), normalizeFingerprint(certB.fingerprint));

      // From now on the new certificate is simply trusted.
      const h5 = new RedfishHttp({ baseUrl: srvA.url, pin: { store } });
      assert.equal((await h5.send('GET', '/redfish/v1/')).status, 200);
      await h5.close();
    } finally {
      swapped.closeAllConnections();
      await new Promise<void>((r) => swapped.close(() => r()));
    }
  });

  it('refuses plain http:// BMC URLs', () => {
    assert.throws(() => new RedfishHttp({ baseUrl: 'http://127.0.0.1:1', pin: { store: new FilePinStore(join(dir, 'x.json')) } }), {
      code: 'E_REDFISH_URL',
    });
  });
});
