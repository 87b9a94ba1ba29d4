import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleSession } from '../../server/console/console-session.ts';
import type { ConsoleError } from '../../server/console/errors.ts';
import { FakeTransport } from './helpers/fake-transport.ts';
import { RecordingSink, until } from './helpers/recording-sink.ts';
import { readTranscripts } from './helpers/transcript-reader.ts';

const alice = { user: 'alice', role: 'operator' } as const;
const bob = { user: 'bob', role: 'operator' } as const;
const vera = { user: 'vera', role: 'viewer' } as const;

function setup(t: { after(fn: () => Promise<void> | void): void }, opts: { ringBytes?: number; highWater?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-session-'));
  const transport = new FakeTransport();
  const session = new ConsoleSession({
    targetId: 'lab-1',
    transport,
    ringBytes: opts.ringBytes ?? 1 << 20,
    viewerHighWaterBytes: opts.highWater ?? 64 * 1024,
    transcript: { dir, maxBytes: 1 << 20, keep: 4 },
  });
  session.start();
  t.after(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { transport, session };
}

test('viewers get hello, then the same live bytes with offsets', async (t) => {
  const { transport, session } = setup(t);
  transport.emitData('boot log\r\n');
  const a = new RecordingSink();
  const b = new RecordingSink();
  session.attach({ identity: alice, readOnly: false, from: 0, sink: a });
  session.attach({ identity: vera, readOnly: true, from: 0, sink: b });
  transport.emitData('login: ');
  for (const s of [a, b]) {
    assert.equal(s.controls[0]?.t, 'hello');
    assert.deepEqual(s.stream(), { start: 0, bytes: Buffer.from('boot log\r\nlogin: ') });
  }
  const hello = b.controlsOf('hello')[0];
  assert.equal(hello?.readOnly, true);
  assert.equal(hello?.head, 10);
  assert.deepEqual(a.controlsOf('viewers').at(-1)?.viewers.map((v) => v.user), ['alice', 'vera']);
});

test('no resume point, or one older than the ring: snapshot then live from its offset', async (t) => {
  const { transport, session } = setup(t, { ringBytes: 4096 });
  transport.emitData('\x1b[2J\x1b[Hfirst screen line\r\n');
  for (let i = 0; i < 600; i++) transport.emitData(`filler ${i}\r\n`);
  assert.ok(session.ring.start > 0);
  const s = new RecordingSink();
  session.attach({ identity: vera, readOnly: true, from: 0, sink: s });
  await until(() => s.snapshots.length === 1, 'snapshot');
  transport.emitData('live!');
  const snap = s.snapshots[0];
  assert.ok(snap);
  assert.match(snap.screen, /filler 599/);
  const { start, bytes } = s.stream();
  assert.equal(start, snap.offset);
  assert.equal(start + bytes.length, session.head);
  assert.ok(bytes.toString().endsWith('live!'));
  assert.deepEqual(s.order.filter((o) => o !== 'control')[0], 'snapshot');
});

test('a resume point from another stream (the server restarted) gets a snapshot, not that stream\'s bytes', async (t) => {
  const { transport, session } = setup(t);
  transport.emitData('new stream after restart\r\n');
  const same = new RecordingSink();
  session.attach({ identity: vera, readOnly: true, from: 4, stream: session.stream, sink: same });
  assert.deepEqual(same.stream(), { start: 4, bytes: Buffer.from('stream after restart\r\n') });
  const other = new RecordingSink();
  session.attach({ identity: vera, readOnly: true, from: 4, stream: 'old-run', sink: other });
  assert.equal(other.controlsOf('hello')[0]?.stream, session.stream);
  await until(() => other.snapshots.length === 1, 'snapshot');
  const snap = other.snapshots[0]?.offset ?? -1;
  assert.ok(other.outputs.every((o) => o.offset >= snap), 'output only continues the snapshot, never from the old offset');
});

test('write lock: request, refusal, takeover visible to all, release on detach', async (t) => {
  const { transport, session } = setup(t);
  const sa = new RecordingSink();
  const sb = new RecordingSink();
  const sv = new RecordingSink();
  const a = session.attach({ identity: alice, readOnly: false, from: 0, sink: sa });
  const b = session.attach({ identity: bob, readOnly: false, from: 0, sink: sb });
  const v = session.attach({ identity: vera, readOnly: true, from: 0, sink: sv });
  assert.throws(() => a.write(Buffer.from('x')), (e: ConsoleError) => e.code === 'E_NOT_LOCK_HOLDER');
  a.requestLock();
  assert.deepEqual(sv.controlsOf('lock').at(-1)?.holder, { user: 'alice', viewerId: a.id });
  a.write(Buffer.from('ls\r'));
  assert.throws(() => b.requestLock(), (e: ConsoleError) => e.code === 'E_LOCK_HELD');
  assert.throws(() => b.write(Buffer.from('x')), (e: ConsoleError) => e.code === 'E_NOT_LOCK_HOLDER');
  assert.throws(() => v.requestLock(), (e: ConsoleError) => e.code === 'E_READ_ONLY');
  assert.throws(() => v.write(Buffer.from('x')), (e: ConsoleError) => e.code === 'E_READ_ONLY');
  b.takeover();
  for (const s of [sa, sb, sv]) assert.deepEqual(s.controlsOf('lock').at(-1), { t: 'lock', holder: { user: 'bob', viewerId: b.id }, by: 'bob', takeover: true });
  assert.throws(() => a.write(Buffer.from('x')), (e: ConsoleError) => e.code === 'E_NOT_LOCK_HOLDER');
  b.write(Buffer.from('reboot\r'));
  b.sendBreak();
  assert.equal(transport.breaks, 1);
  b.detach();
  assert.deepEqual(sa.controlsOf('lock').at(-1)?.holder, null);
  assert.deepEqual(transport.written.map(String), ['ls\r', 'reboot\r']);
  assert.throws(
    () => session.attach({ identity: vera, readOnly: false, sink: new RecordingSink() }),
    (e: ConsoleError) => e.code === 'E_FORBIDDEN',
  );
  await session.transcript?.flush();
  const tr = readTranscripts(session.transcript?.files() ?? []);
  assert.ok(tr.markers.includes('rb:input user=alice'));
  assert.ok(tr.markers.includes('rb:input user=bob'));
  assert.ok(tr.markers.includes('rb:break user=bob'));
});

test('resize is broadcast and reaches the snapshot terminal', async (t) => {
  const { session } = setup(t);
  const sa = new RecordingSink();
  const sv = new RecordingSink();
  const a = session.attach({ identity: alice, readOnly: false, from: 0, sink: sa });
  const v = session.attach({ identity: vera, readOnly: true, from: 0, sink: sv });
  a.requestLock();
  a.resize(132, 43);
  assert.deepEqual(sv.controlsOf('resize').at(-1), { t: 'resize', cols: 132, rows: 43 });
  assert.throws(() => v.resize(10, 10), (e: ConsoleError) => e.code === 'E_READ_ONLY');
  assert.throws(() => a.resize(0, 10), (e: ConsoleError) => e.code === 'E_BAD_REQUEST');
  assert.deepEqual(session.size, { cols: 132, rows: 43 });
});

test('a slow viewer stops getting live data, never stalls the others, and resyncs with a snapshot', async (t) => {
  const { transport, session } = setup(t, { highWater: 4096 });
  const fast = new RecordingSink();
  const slow = new RecordingSink();
  session.attach({ identity: vera, readOnly: true, from: 0, sink: fast });
  const sv = session.attach({ identity: vera, readOnly: true, from: 0, sink: slow });
  slow.queued = 4000; // its peer stopped reading
  const chunk = Buffer.alloc(1000, 0x61);
  for (let i = 0; i < 100; i++) transport.emitData(chunk);
  assert.equal(fast.stream().bytes.length, 100_000);
  assert.equal(slow.outputs.length, 0);
  assert.equal(sv.state, 'lagging');
  slow.queued = 0;
  sv.drained();
  await until(() => slow.snapshots.length === 1 && sv.state === 'live', 'resync');
  transport.emitData('after');
  const { start, bytes } = slow.stream();
  assert.equal(start, slow.snapshots[0]?.offset);
  assert.equal(start + bytes.length, session.head);
});

test('upstream cut and restore: viewers told, transcript marks the gap, offsets continue', async (t) => {
  const { transport, session } = setup(t);
  const s = new RecordingSink();
  session.attach({ identity: vera, readOnly: true, from: 0, sink: s });
  transport.emitData('before ');
  transport.cut('ECONNRESET');
  transport.restore();
  transport.emitData('after');
  assert.deepEqual(s.controlsOf('conn').map((c) => c.state), ['reconnecting', 'open']);
  assert.equal(s.stream().bytes.toString(), 'before after');
  await session.transcript?.flush();
  const tr = readTranscripts(session.transcript?.files() ?? []);
  assert.equal(tr.output.toString(), 'before after');
  assert.ok(tr.markers.includes('rb:gap-start offset=7 reason=ECONNRESET'), tr.markers.join('|'));
  assert.ok(tr.markers.includes('rb:gap-end offset=7'));
});

test('programmatic subscribe replays from an offset and follows live', async (t) => {
  const { transport, session } = setup(t);
  transport.emitData('0123456789');
  const got: string[] = [];
  const unsubscribe = session.subscribe(4, (off, b) => got.push(`${off}:${b.toString()}`));
  transport.emitData('ab');
  unsubscribe();
  transport.emitData('cd');
  assert.deepEqual(got, ['4:456789', '10:ab']);
  assert.equal(session.listViewers().length, 0);
});
