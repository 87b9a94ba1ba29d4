/**
 * ui/console-client.ts under Node with a scripted WebSocket: offsets,
 * resume URL, overlap trimming, snapshots, lock state, reconnect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsoleClient, type ConsoleStatus } from '../../ui/console-client.ts';
import { FRAME_OUTPUT, FRAME_SNAPSHOT, encodeOffsetFrame, type ServerControl } from '../../server/wire.ts';

class FakeWs {
  static all: FakeWs[] = [];
  binaryType = 'blob';
  readyState = 0;
  sent: (string | Uint8Array)[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWs.all.push(this);
  }
  send(d: string | Uint8Array): void {
    this.sent.push(d);
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  // scripted server side
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  control(msg: ServerControl): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  frame(type: typeof FRAME_OUTPUT | typeof FRAME_SNAPSHOT, offset: number, text: string): void {
    const f = encodeOffsetFrame(type, offset, new TextEncoder().encode(text));
    this.onmessage?.({ data: f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) });
  }
  hello(viewerId: string, lock: { user: string; viewerId: string } | null = null, stream = 's1'): void {
    this.control({ t: 'hello', viewerId, stream, target: 'lab-1', user: 'admin', readOnly: false, ringStart: 0, head: 0, lock, conn: 'open', cols: 80, rows: 24 });
  }
}

function setup() {
  FakeWs.all = [];
  const out: string[] = [];
  const statuses: ConsoleStatus[] = [];
  const dec = new TextDecoder();
  const client = new ConsoleClient(
    { url: 'ws://h/api/targets/lab-1/console', mode: 'rw', WebSocketImpl: FakeWs as never, backoffMinMs: 1, backoffMaxMs: 1, pingIntervalMs: 1e6 },
    {
      output: (b) => out.push(dec.decode(b)),
      snapshot: (b) => out.push(`<reset>${dec.decode(b)}`),
      status: (s) => statuses.push({ ...s }),
    },
  );
  return { client, out, statuses };
}

function nextSocket(n: number): Promise<FakeWs> {
  return new Promise((resolve) => {
    const poll = (): void => {
      const ws = FakeWs.all[n];
      if (ws) resolve(ws);
      else setImmediate(poll);
    };
    poll();
  });
}

test('tracks offsets, trims overlap and resumes from the next byte', async () => {
  const { client, out } = setup();
  client.start();
  const ws0 = await nextSocket(0);
  assert.equal(ws0.url, 'ws://h/api/targets/lab-1/console?mode=rw');
  ws0.open();
  ws0.hello('v1');
  ws0.frame(FRAME_SNAPSHOT, 100, 'screen');
  ws0.frame(FRAME_OUTPUT, 100, 'abc');
  ws0.frame(FRAME_OUTPUT, 103, 'def');
  assert.equal(client.status.offset, 106);
  ws0.close(1006, 'gone');
  assert.equal(client.status.link, 'reconnecting');
  const ws1 = await nextSocket(1);
  assert.equal(ws1.url, 'ws://h/api/targets/lab-1/console?mode=rw&from=106&stream=s1');
  ws1.open();
  ws1.hello('v2');
  ws1.frame(FRAME_OUTPUT, 104, 'efgh'); // overlaps "ef"
  ws1.frame(FRAME_OUTPUT, 108, 'ij');
  ws1.frame(FRAME_OUTPUT, 108, 'ij'); // duplicate: dropped
  assert.deepEqual(out, ['<reset>screen', 'abc', 'def', 'gh', 'ij']);
  assert.equal(client.status.offset, 110);
  assert.equal(client.status.reconnects, 1);
  assert.equal(client.status.link, 'open');
  client.close();
  assert.equal(client.status.link, 'closed');
});

test('after a server restart (a new stream) the old offset is dropped and the snapshot sets the new one', async () => {
  const { client, out } = setup();
  client.start();
  const ws0 = await nextSocket(0);
  ws0.open();
  ws0.hello('v1', null, 'before');
  ws0.frame(FRAME_SNAPSHOT, 0, 'screen');
  ws0.frame(FRAME_OUTPUT, 0, 'old stream text');
  ws0.close(1006, 'server restarted');
  const ws1 = await nextSocket(1);
  assert.equal(ws1.url, 'ws://h/api/targets/lab-1/console?mode=rw&from=15&stream=before');
  ws1.open();
  ws1.hello('v1', null, 'after');
  assert.equal(client.status.offset, null, 'an offset of the old stream is not kept');
  ws1.frame(FRAME_SNAPSHOT, 40, 'new screen');
  ws1.frame(FRAME_OUTPUT, 40, 'new');
  assert.deepEqual(out, ['<reset>screen', 'old stream text', '<reset>new screen', 'new']);
  assert.equal(client.status.offset, 43);
  assert.equal(client.status.stream, 'after');
  client.close();
});

test('lock state, input only while holding the lock, controls as JSON', async () => {
  const { client } = setup();
  client.start();
  const ws = await nextSocket(0);
  ws.open();
  ws.hello('v1', { user: 'bob', viewerId: 'v9' });
  assert.equal(client.status.holdsLock, false);
  assert.equal(client.sendInput(new Uint8Array([0x61])), false);
  client.takeOver();
  assert.deepEqual(JSON.parse(ws.sent.at(-1) as string), { t: 'lock', action: 'takeover' });
  ws.control({ t: 'lock', holder: { user: 'admin', viewerId: 'v1' }, by: 'admin', takeover: true });
  assert.equal(client.status.holdsLock, true);
  assert.deepEqual(client.status.lastTakeover, { by: 'admin', from: 'bob' });
  assert.equal(client.sendInput(new Uint8Array([0x61])), true);
  assert.deepEqual([...(ws.sent.at(-1) as Uint8Array)], [0x11, 0x61]);
  client.sendBreak();
  assert.deepEqual(JSON.parse(ws.sent.at(-1) as string), { t: 'break' });
  client.close();
});

test('stops reconnecting after an authentication close', async () => {
  const { client, statuses } = setup();
  client.start();
  const ws = await nextSocket(0);
  ws.close(4401, 'log in first');
  assert.equal(client.status.link, 'unauthorized');
  assert.ok(statuses.some((s) => s.link === 'unauthorized'));
  await new Promise((r) => setImmediate(r));
  assert.equal(FakeWs.all.length, 1);
});

test('asks for the lock again after a reconnect if it held it and the lock is free', async () => {
  const { client } = setup();
  client.start();
  const ws0 = await nextSocket(0);
  ws0.open();
  ws0.hello('v1');
  client.requestLock();
  ws0.control({ t: 'lock', holder: { user: 'admin', viewerId: 'v1' } });
  assert.equal(client.status.holdsLock, true);
  ws0.close(1006, 'gone');
  const ws1 = await nextSocket(1);
  ws1.open();
  ws1.hello('v2', { user: 'admin', viewerId: 'v1' }); // the hub has not noticed the old link's close yet
  assert.equal(ws1.sent.length, 0);
  ws1.control({ t: 'lock', holder: null });
  assert.deepEqual(JSON.parse(ws1.sent.at(-1) as string), { t: 'lock', action: 'request' });
  // Taken by someone else meanwhile: no request.
  ws1.control({ t: 'lock', holder: { user: 'bob', viewerId: 'v7' }, by: 'bob', takeover: true });
  ws1.close(1006, 'gone');
  const ws2 = await nextSocket(2);
  ws2.open();
  ws2.hello('v3');
  assert.equal(ws2.sent.length, 0);
  client.close();
});
