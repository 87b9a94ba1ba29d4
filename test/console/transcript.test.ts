import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TranscriptWriter } from '../../server/console/transcript.ts';
import { Utf8EscapeDecoder, encodeEscaped } from '../../server/console/utf8-escape.ts';
import { readTranscript, readTranscripts } from './helpers/transcript-reader.ts';

test('utf-8 decoder never splits a character and keeps invalid bytes', () => {
  const text = Buffer.from('héllo ✓ 𝄞 end', 'utf8');
  for (let cut = 0; cut <= text.length; cut++) {
    const d = new Utf8EscapeDecoder();
    const s = d.write(text.subarray(0, cut)) + d.write(text.subarray(cut)) + d.flush();
    assert.equal(s, 'héllo ✓ 𝄞 end', `cut at ${cut}`);
  }
  const d = new Utf8EscapeDecoder();
  const bad = Buffer.from([0x41, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2, 0x82]);
  const s = d.write(bad) + d.flush();
  assert.deepEqual(encodeEscaped(s), bad);
  assert.ok(s.startsWith('A\udcff'));
});

test('utf-8 decoder round-trips random bytes in random chunks', () => {
  for (let round = 0; round < 20; round++) {
    const bytes = randomBytes(3000);
    const d = new Utf8EscapeDecoder();
    let s = '';
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + ((i * 7 + round) % 13);
      s += d.write(bytes.subarray(i, i + n));
      i += n;
    }
    s += d.flush();
    assert.deepEqual(encodeEscaped(s), bytes);
    // Survives JSON as a transcript line would.
    assert.deepEqual(encodeEscaped(JSON.parse(JSON.stringify(s)) as string), bytes);
  }
});

test('transcript: header, offsets, identity of input, gap markers, resize', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let now = 1_700_000_000_000;
  const w = new TranscriptWriter({ dir, title: 'lab-1', maxBytes: 1 << 20, keep: 3, cols: 80, rows: 24, now: () => now });
  const euro = Buffer.from('€', 'utf8');
  w.output(0, Buffer.concat([Buffer.from('login: '), euro.subarray(0, 1)]));
  now += 1500;
  w.output(8, euro.subarray(1));
  w.input({ user: 'alice', role: 'operator' }, Buffer.from('root\r'));
  w.gapStart(10, 'ECONNRESET');
  w.gapEnd(10);
  w.resize(120, 40);
  w.output(10, Buffer.from([0xff, 0x0a]));
  await w.close();
  const [file] = w.files();
  assert.ok(file);
  const p = readTranscript(file);
  assert.equal(p.header.version, 2);
  assert.equal(p.header.width, 80);
  assert.equal(p.header.title, 'lab-1');
  assert.equal(p.startOffset, 0);
  assert.deepEqual(p.output, Buffer.concat([Buffer.from('login: '), euro, Buffer.from([0xff, 0x0a])]));
  const kinds = p.events.map((e) => e[1]).join('');
  assert.equal(kinds, 'moomimmro');
  const input = p.events.findIndex((e) => e[1] === 'i');
  assert.deepEqual(p.events[input - 1]?.[2], 'rb:input user=alice');
  assert.equal(p.events[input]?.[2], 'root\r');
  assert.equal(p.events[2]?.[0], 1.5);
  assert.ok(p.markers.includes('rb:gap-start offset=10 reason=ECONNRESET'));
  assert.ok(p.markers.includes('rb:gap-end offset=10'));
  assert.ok(p.events.some((e) => e[1] === 'r' && e[2] === '120x40'));
});

test('transcript rotates by size, keeps N files, offsets chain across files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new TranscriptWriter({ dir, title: 't', maxBytes: 4096, keep: 100, cols: 80, rows: 24 });
  const sent: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < 600; i++) {
    // Multibyte characters straddle chunk (and so file) boundaries.
    const chunk = Buffer.from(`line ${i} ✓✓ `.repeat(3), 'utf8').subarray(0, 40 + (i % 7));
    sent.push(chunk);
    w.output(off, chunk);
    off += chunk.length;
  }
  await w.close();
  const files = w.files();
  assert.ok(files.length > 3, `${files.length} files`);
  const all = readTranscripts(files);
  assert.equal(all.startOffset, 0);
  assert.deepEqual(all.output, Buffer.concat(sent));

  const w2 = new TranscriptWriter({ dir, title: 't', maxBytes: 4096, keep: 2, cols: 80, rows: 24 });
  w2.output(0, Buffer.alloc(5000, 0x41));
  w2.output(5000, Buffer.from('x'));
  await w2.close();
  const left = w2.files();
  assert.equal(left.length, 2);
  assert.ok(left.at(-1)?.endsWith(`${String(files.length + 2).padStart(6, '0')}.cast`));
});

test('a disk that falls behind makes the transcript skip output and say exactly which bytes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const w = new TranscriptWriter({ dir, title: 't', maxBytes: 1 << 30, keep: 2, cols: 80, rows: 24, maxPendingBytes: 4096 });
  let off = 0;
  for (let i = 0; i < 100; i++) {
    w.output(off, Buffer.alloc(1000, 0x61 + (i % 26)));
    off += 1000;
  }
  await w.flush();
  w.output(off, Buffer.from('tail'));
  await w.close();
  const p = readTranscript(w.files()[0] ?? '');
  const skip = p.markers.find((m) => m.startsWith('rb:skipped'));
  assert.ok(skip, p.markers.join('|'));
  const m = /offset=(\d+) bytes=(\d+)/.exec(skip) as RegExpExecArray;
  const [from, n] = [Number(m[1]), Number(m[2])];
  assert.equal(from + n, off);
  assert.equal(p.output.length, from + 4);
  assert.ok(p.output.subarray(from).equals(Buffer.from('tail')));
});
