import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleHub } from '../../server/console/console-hub.ts';
import { FakeTransport } from './helpers/fake-transport.ts';
import { readTranscripts } from './helpers/transcript-reader.ts';
import { TestViewer, serveConsoles } from './helpers/ws-harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'rb-ws-'));
const hub = new ConsoleHub({
  console: { ringBytes: 1 << 20, transcriptMaxBytes: 1 << 20, transcriptKeep: 50, viewerHighWaterBytes: 64 * 1024 },
  dataDir: dir,
});
let base = '';
let stop: () => Promise<void> = () => Promise.resolve();
const viewers: TestViewer[] = [];
let targetSeq = 0;

async function connect(target: string, opts: Parameters<typeof TestViewer.connect>[2] = {}): Promise<TestViewer> {
  const v = await TestViewer.connect(base, target, opts);
  viewers.push(v);
  await v.waitFor(() => v.controlsOf('hello').length === 1, 'hello');
  return v;
}

function addTarget(): { id: string; transport: FakeTransport } {
  const id = `t${++targetSeq}`;
  const transport = new FakeTransport();
  hub.add({ id, kind: 'fake', transport });
  return { id, transport };
}

before(async () => {
  const s = await serveConsoles(hub);
  base = s.base;
  stop = s.close;
});

after(async () => {
  await Promise.all(viewers.map((v) => v.close()));
  await hub.close();
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

test('two viewers see the same bytes with offsets', async () => {
  const { id, transport } = addTarget();
  const a = await connect(id, { from: 0 });
  const b = await connect(id, { from: 0 });
  const sent = Buffer.from('Debian GNU/Linux 12 lab-1 ttyS0\r\n\r\nlab-1 login: ');
  transport.emitData(sent.subarray(0, 10));
  transport.emitData(sent.subarray(10));
  for (const v of [a, b]) {
    await v.waitFor(() => v.outputBytes === sent.length, 'all bytes');
    assert.deepEqual(v.stream().bytes, sent);
    assert.equal(v.stream().start, 0);
  }
  assert.deepEqual(hub.list().find((t) => t.id === id)?.console, { kind: 'fake', state: 'open', description: 'fake in-memory' });
});

test('a viewer that drops and resumes from its offset gets every byte exactly once (also per the transcript)', async () => {
  const { id, transport } = addTarget();
  const sent: Buffer[] = [];
  const push = (s: string) => {
    const b = Buffer.from(s);
    sent.push(b);
    transport.emitData(b);
  };
  const got: Buffer[] = [];
  let v = await connect(id, { from: 0 });
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 20; i++) push(`r${round} line ${i} ✓\r\n`);
    const total = Buffer.concat(sent).length;
    const first = v.stream();
    // Read only part of what is there, then drop: the rest arrives while nobody watches.
    await v.waitFor(() => v.outputBytes > 0, 'some bytes');
    const have = v.stream();
    got.push(have.bytes);
    const resumeAt = have.start + have.bytes.length;
    assert.equal(first.snapshots, 0);
    await v.close();
    for (let i = 0; i < 7; i++) push(`gap ${round}.${i}\r\n`);
    v = await connect(id, { from: resumeAt });
    assert.ok(resumeAt <= total);
    const want = Buffer.concat(sent).length;
    await v.waitFor(() => v.nextOffset() === want, `resume round ${round}`);
    assert.equal(v.stream().start, resumeAt);
    assert.equal(v.stream().snapshots, 0);
    got.push(v.stream().bytes);
    await v.close();
    v = await connect(id, { from: want });
  }
  await v.close();
  const all = Buffer.concat(sent);
  assert.deepEqual(Buffer.concat(got), all);
  const session = hub.require(id);
  await session.transcript?.flush();
  const tr = readTranscripts(session.transcript?.files() ?? []);
  assert.equal(tr.startOffset, 0);
  assert.deepEqual(tr.output, all);
});

test('a viewer that stops reading does not hold back another, and gets a snapshot when it reads again', async () => {
  const { id, transport } = addTarget();
  const fast = await connect(id, { from: 0 });
  const slow = await connect(id, { from: 0 });
  slow.ws.pause();
  const chunk = Buffer.alloc(64 * 1024);
  const total = 24 * 1024 * 1024;
  let sent = 0;
  let i = 0;
  let lastDigit = '';
  while (sent < total) {
    lastDigit = String(i % 10);
    chunk.fill(0x30 + (i++ % 10));
    chunk.write(`\r\nchunk ${i}\r\n`);
    transport.emitData(chunk);
    sent += chunk.length;
    // Paced by the fast viewer only: if the slow one held anything back, this would never finish.
    await fast.waitFor(() => fast.outputBytes === sent, `fast viewer at ${sent}`);
  }
  assert.equal(fast.outputBytes, total);
  const session = hub.require(id);
  slow.ws.resume();
  await slow.waitFor(() => slow.frames.some((f) => f.kind === 'snapshot'), 'snapshot after resume');
  transport.emitData('tail\r\n');
  await slow.waitFor(() => slow.nextOffset() === session.head, 'slow viewer live again');
  const s = slow.stream();
  assert.equal(s.snapshots, 1);
  assert.ok(s.bytes.toString().endsWith('tail\r\n'));
  // Bytes delivered before it fell behind plus after the snapshot: far less than what the fast one got.
  const slowOutput = slow.frames.filter((f) => f.kind === 'output').reduce((n, f) => n + f.payload.length, 0);
  assert.ok(slowOutput < total, `slow viewer got ${slowOutput} of ${total} live bytes`);
  const snap = slow.frames.find((f) => f.kind === 'snapshot');
  // The screen shows the end of the last chunk.
  assert.ok(snap?.payload.toString().includes(lastDigit.repeat(80)), 'snapshot shows the latest output');
});

test('write lock and takeover are visible to all; read-only viewers cannot write', async () => {
  const { id, transport } = addTarget();
  const alice = await connect(id, { user: 'alice', role: 'operator', from: 0 });
  const bob = await connect(id, { user: 'bob', role: 'admin', from: 0 });
  const ro = await connect(id, { user: 'vera', role: 'viewer', from: 0 });
  assert.equal(ro.controlsOf('hello')[0]?.readOnly, true);
  assert.equal(alice.controlsOf('hello')[0]?.readOnly, false);

  alice.send({ t: 'lock', action: 'request' });
  for (const v of [alice, bob, ro]) await v.waitFor(() => v.controlsOf('lock').at(-1)?.holder?.user === 'alice', 'alice holds');
  alice.type('uname -a\r');
  ro.type('rm -rf /\r');
  await ro.waitFor(() => ro.controlsOf('error').length === 1, 'ro refused');
  assert.equal(ro.controlsOf('error')[0]?.code, 'E_READ_ONLY');
  bob.type('x');
  await bob.waitFor(() => bob.controlsOf('error').length === 1, 'bob refused');
  assert.equal(bob.controlsOf('error')[0]?.code, 'E_NOT_LOCK_HOLDER');

  bob.send({ t: 'lock', action: 'takeover' });
  for (const v of [alice, bob, ro]) {
    await v.waitFor(() => v.controlsOf('lock').at(-1)?.holder?.user === 'bob', 'bob holds');
    assert.equal(v.controlsOf('lock').at(-1)?.takeover, true);
  }
  bob.send({ t: 'break' });
  bob.send({ t: 'ping', id: 7 });
  await bob.waitFor(() => bob.controlsOf('pong').length === 1, 'pong');
  assert.deepEqual(transport.written.map(String), ['uname -a\r']);
  assert.equal(transport.breaks, 1);
  ro.send({ t: 'lock', action: 'request' });
  await ro.waitFor(() => ro.controlsOf('error').length === 2, 'ro lock refused');

  await bob.close();
  await alice.waitFor(() => alice.controlsOf('lock').at(-1)?.holder === null, 'lock freed when holder leaves');
  await alice.waitFor(() => alice.controlsOf('viewers').at(-1)?.viewers.length === 2, 'viewer list updated');
});

test('a resume offset is used only with its own stream; another stream gets a snapshot, a malformed one 400', async () => {
  const { id, transport } = addTarget();
  transport.emitData('after the restart: line one\r\n');
  const first = await connect(id, { from: 0 });
  const stream = first.controlsOf('hello')[0]?.stream ?? '';
  await first.waitFor(() => first.nextOffset() === 29, 'first bytes');
  const same = await connect(id, { from: 6, stream });
  await same.waitFor(() => same.nextOffset() === 29, 'resumed');
  assert.deepEqual({ start: same.stream().start, snapshots: same.stream().snapshots }, { start: 6, snapshots: 0 });
  const other = await connect(id, { from: 6, stream: 'before-restart' });
  await other.waitFor(() => other.frames.some((f) => f.kind === 'snapshot'), 'snapshot for another stream');
  assert.ok(other.frames.every((f) => f.kind === 'snapshot' || f.offset >= (other.frames.find((x) => x.kind === 'snapshot')?.offset ?? 0)));
  await assert.rejects(TestViewer.connect(base, id, { from: 6, stream: 'bad stream!' }), (e: Error & { status?: number }) => e.status === 400);
});

test('mode=rw needs operator; unknown target is 404', async () => {
  const { id } = addTarget();
  await assert.rejects(TestViewer.connect(base, id, { user: 'vera', role: 'viewer', mode: 'rw' }), (e: Error & { status?: number }) => e.status === 403);
  await assert.rejects(TestViewer.connect(base, id, { mode: 'rw' }), (e: Error & { status?: number }) => e.status === 403);
  await assert.rejects(TestViewer.connect(base, 'nope'), (e: Error & { status?: number }) => e.status === 404);
  await assert.rejects(TestViewer.connect(base, id, { user: 'alice', role: 'operator', mode: 'ro', from: -1 }), (e: Error & { status?: number }) => e.status === 400);
});

test('no resume point: snapshot of the screen, then live', async () => {
  const { id, transport } = addTarget();
  transport.emitData('\x1b[1;31mred prompt\x1b[0m # ');
  const v = await connect(id);
  await v.waitFor(() => v.frames.length >= 1, 'snapshot');
  assert.equal(v.frames[0]?.kind, 'snapshot');
  assert.match(v.frames[0]?.payload.toString() ?? '', /red prompt/);
  transport.emitData('ls\r\n');
  await v.waitFor(() => v.nextOffset() === hub.require(id).head, 'live');
});

test('removing a target tells its viewers and closes their sockets', async () => {
  const { id } = addTarget();
  const v = await connect(id);
  const closed = new Promise<number>((resolve) => v.ws.once('close', (code: number) => resolve(code)));
  await hub.remove(id);
  assert.equal(await closed, 1001);
  assert.equal(v.controlsOf('conn').at(-1)?.state, 'closed');
  assert.equal(hub.get(id), undefined);
});
