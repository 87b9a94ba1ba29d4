import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { ConsoleHub } from '../../server/console/console-hub.ts';

import { TcpPeer } from './helpers/tcp-peer.ts';
import { readTranscripts } from './helpers/transcript-reader.ts';
import { TestViewer, serveConsoles } from './helpers/ws-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'rb-tcp-'));
const hub = new ConsoleHub({
  console: { ringBytes: 1 << 20, transcriptMaxBytes: 1 << 20, transcriptKeep: 8, viewerHighWaterBytes: 1 << 20 },
  dataDir: dir,
});
const peer = new TcpPeer({ echo: true });
let base = '';
let stop: () => Promise<void> = () => Promise.resolve();
const viewers: TestViewer[] = [];

before(async () => {
  const port = await peer.listen();
  const connected = once(peer, 'connection');
  hub.add({ id: 'lab-1', kind: 'tcp', transport: new TcpTransport({ host: '127.0.0.1', port, telnet: 'off', backoff: { initialMs: 20, maxMs: 200 } }) });
  await connected;
  const s = await serveConsoles(hub);
  base = s.base;
  stop = s.close;
});

after(async () => {
  await Promise.all(viewers.map((v) => v.close()));
  await hub.close();
  await stop();
  await peer.close();
  rmSync(dir, { recursive: true, force: true });
});

test('typed keystrokes reach the TCP peer and its echo reaches every viewer', async () => {
  const op = await TestViewer.connect(base, 'lab-1', { user: 'alice', role: 'operator', from: 0 });
  const ro = await TestViewer.connect(base, 'lab-1', { from: 0 });
  viewers.push(op, ro);
  op.send({ t: 'lock', action: 'request' });
  await op.waitFor(() => op.controlsOf('lock').at(-1)?.holder?.user === 'alice', 'lock');
  const word = `echo rb-${Math.random().toString(36).slice(2, 10)}\r`;
  op.type(word);
  for (const v of [op, ro]) await v.waitFor(() => v.stream().bytes.toString().includes(word), 'echo');
  assert.equal(Buffer.concat(peer.received).toString(), word);
});

test('cutting the upstream: viewers see reconnecting/open, transcript marks the gap, stream continues', async () => {
  const v = await TestViewer.connect(base, 'lab-1', { from: hub.require('lab-1').head });
  viewers.push(v);
  const session = hub.require('lab-1');
  peer.send('before-cut\r\n');
  await v.waitFor(() => v.stream().bytes.toString().includes('before-cut'), 'before');
  const cutAt = session.head;
  const reconnected = once(peer, 'connection');
  peer.cut();
  await reconnected;
  await v.waitFor(() => v.controlsOf('conn').some((c) => c.state === 'reconnecting') && v.controlsOf('conn').at(-1)?.state === 'open', 'reconnect seen');
  peer.send('after-reconnect\r\n');
  await v.waitFor(() => v.stream().bytes.toString().includes('after-reconnect'), 'after');
  await session.transcript?.flush();
  const tr = readTranscripts(session.transcript?.files() ?? []);
  assert.ok(tr.markers.some((m) => m.startsWith(`rb:gap-start offset=${cutAt}`)), tr.markers.join(' | '));
  assert.ok(tr.markers.includes(`rb:gap-end offset=${cutAt}`));
  assert.deepEqual(tr.output, session.ring.read(0));
  assert.equal(peer.connections, 2);
});
