import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingBuffer } from '../../server/console/ring-buffer.ts';
import { ScreenMirror } from '../../server/console/snapshot.ts';

function feed(ring: RingBuffer, mirror: ScreenMirror, text: string): void {
  const b = Buffer.from(text);
  const off = ring.head;
  ring.append(b);
  mirror.feed(off, b);
}

test('snapshot serializes the screen at the offset it reports', async () => {
  const ring = new RingBuffer(1 << 20);
  const m = new ScreenMirror({ ring, cols: 40, rows: 5 });
  feed(ring, m, '\x1b[32mgreen\x1b[0m plain\r\nsecond line\r\n$ ');
  const snap = await m.snapshot();
  assert.equal(snap.offset, ring.head);
  assert.match(snap.screen, /green/);
  assert.match(snap.screen, /second line/);
  assert.ok(snap.screen.includes('\x1b[32m'), 'colour kept');
  m.resize(20, 3);
  feed(ring, m, 'more');
  const again = await m.snapshot();
  assert.equal(again.offset, ring.head);
  assert.match(again.screen, /\$ more/);
  m.dispose();
});

test('a flood puts the mirror behind; the next snapshot catches up from the ring', async () => {
  const ring = new RingBuffer(1 << 20);
  const m = new ScreenMirror({ ring, cols: 80, rows: 24, maxBacklogBytes: 4096 });
  for (let i = 0; i < 2000; i++) feed(ring, m, `flood line ${i}\r\n`);
  assert.equal(m.isBehind, true);
  const snap = await m.snapshot();
  assert.equal(snap.offset, ring.head);
  assert.match(snap.screen, /flood line 1999/);
  assert.equal(m.isBehind, false);
  m.dispose();
});

test('when the ring moved past the mirror, it resets and replays the tail', async () => {
  const ring = new RingBuffer(8192);
  const m = new ScreenMirror({ ring, cols: 80, rows: 24, maxBacklogBytes: 1024, maxReplayBytes: 4096 });
  feed(ring, m, '\x1b[2J\x1b[HOLD SCREEN\r\n');
  for (let i = 0; i < 3000; i++) feed(ring, m, `line ${i}\r\n`);
  assert.ok(ring.start > 0);
  const snap = await m.snapshot();
  assert.equal(snap.offset, ring.head);
  assert.match(snap.screen, /line 2999/);
  assert.doesNotMatch(snap.screen, /OLD SCREEN/);
  m.dispose();
});
