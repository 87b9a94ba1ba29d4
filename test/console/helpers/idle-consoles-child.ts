/**
 * Bench child: N idle consoles (in-process TCP peers, each printed a login
 * banner), then prints {"rss": bytes, "heap": bytes} as one JSON line.
 * Run: node --import tsx --expose-gc idle-consoles-child.ts <N>
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpTransport } from '../../../bmc-adapters/tcp/tcp-transport.ts';
import { ConsoleHub } from '../../../server/console/console-hub.ts';
import { TcpPeer } from './tcp-peer.ts';

const n = Number(process.argv[2] ?? '100');
const dir = mkdtempSync(join(tmpdir(), 'rb-idle-'));
const hub = new ConsoleHub({
  console: { ringBytes: 4 * 1024 * 1024, transcriptMaxBytes: 64 * 1024 * 1024, transcriptKeep: 8, viewerHighWaterBytes: 8 * 1024 * 1024 },
  dataDir: dir,
});
const peers: TcpPeer[] = [];
const banner = '\r\nDebian GNU/Linux 12 lab ttyS0\r\n\r\nlab login: ';
for (let i = 0; i < n; i++) {
  const peer = new TcpPeer({ echo: true });
  peers.push(peer);
  const port = await peer.listen();
  const connected = once(peer, 'connection');
  const session = hub.add({ id: `c${i}`, kind: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port, telnet: 'off', backoff: { initialMs: 20, maxMs: 200 } }) });
  await connected;
  const got = new Promise<void>((resolve) => {
    const off = session.subscribe(0, () => {
      if (session.head >= banner.length) {
        queueMicrotask(off);
        resolve();
      }
    });
  });
  peer.send(banner);
  await got;
}
// Let the snapshot terminals parse the banners, then measure after a full GC.
await Promise.all(hub.ids().map((id) => hub.require(id).mirror.snapshot()));
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const m = process.memoryUsage();
process.stdout.write(`${JSON.stringify({ rss: m.rss, heap: m.heapUsed, consoles: hub.ids().length })}\n`);
await hub.close();
await Promise.all(peers.map((p) => p.close()));
rmSync(dir, { recursive: true, force: true });
