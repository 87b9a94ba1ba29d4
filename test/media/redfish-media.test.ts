import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { FakeClock } from '../../bmc-adapters/redfish/clock.ts';
import { MemoryPinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import { createLogger } from '../../server/log.ts';
import { FetchLog } from '../../server/media/fetch-log.ts';
import { startMediaServer, type MediaServer } from '../../server/media/media-server.ts';
import { MockupServer, PASSWORD } from '../redfish/mockup-server.ts';
import { RULES } from '../redfish/mockup-rules.ts';
import { makeCert, type TestCert } from '../redfish/tls-cert.ts';

let dir: string;
let cert: TestCert;
let media: MediaServer;
const fetchLog = new FetchLog();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-rfmedia-'));
  cert = makeCert(dir);
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'rescue.iso'), randomBytes(256 * 1024));
  media = await startMediaServer({
    config: { dir: join(dir, 'dist'), listen: { host: '127.0.0.1', port: 0 }, tokenTtlS: 600 },
    key: randomBytes(32),
    fetchLog,
    log: createLogger({ level: 'silent' }),
  });
});
after(async () => {
  await media.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('media server + Redfish client', () => {
  it('the BMC mounts a per-target URL, reads it by Range, and the operator sees what it read', async () => {
    const bmc = new MockupServer('hpe-ilo5', { ...RULES['hpe-ilo5'], fetchImageBytes: 64 * 1024 }, cert);
    const url = await bmc.start();
    const client = await RedfishClient.connect({ url, user: 'admin', password: PASSWORD, pin: { store: new MemoryPinStore() }, clock: new FakeClock() });
    try {
      const { url: image } = media.urlFor('lab-1', 'rescue.iso');
      const slot = await client.mediaInsert(image);
      assert.equal(slot.image, image);
      const [sum] = fetchLog.summary({ target: 'lab-1' });
      assert.equal(sum?.bytesCovered, 64 * 1024);
      assert.equal(sum?.fileSize, 256 * 1024);
      assert.equal(fetchLog.list({ target: 'lab-1' })[0]?.client, '127.0.0.1');
      await client.mediaEject();
    } finally {
      await client.close();
      await bmc.stop();
    }
  });
});
