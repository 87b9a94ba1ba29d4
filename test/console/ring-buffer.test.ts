import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RING_GONE, RingBuffer } from '../../server/console/ring-buffer.ts';

test('ring returns exact bytes by absolute offset and grows lazily', () => {
  const r = new RingBuffer(1 << 20, 16);
  assert.equal(r.allocatedBytes, 16);
  r.append(Buffer.from('hello '));
  r.append(Buffer.from('world'));
  assert.equal(r.head, 11);
  assert.equal(r.start, 0);
  assert.equal((r.read(6) as Buffer).toString(), 'world');
  assert.equal((r.read(0, 5) as Buffer).toString(), 'hello');
  assert.equal((r.read(11) as Buffer).length, 0);
  r.append(Buffer.alloc(100, 0x41));
  assert.ok(r.allocatedBytes >= 111 && r.allocatedBytes <= 256, `allocated ${r.allocatedBytes}`);
  assert.equal((r.read(0, 11) as Buffer).toString(), 'hello world');
});

test('ring drops the oldest bytes past capacity and reports them gone', () => {
  const cap = 1000;
  const r = new RingBuffer(cap, 64);
  const all: Buffer[] = [];
  for (let i = 0; i < 50; i++) {
    const chunk = randomBytes(1 + ((i * 37) % 120));
    all.push(chunk);
    r.append(chunk);
  }
  const whole = Buffer.concat(all);
  assert.equal(r.head, whole.length);
  assert.equal(r.start, whole.length - cap);
  assert.equal(r.read(r.start - 1), RING_GONE);
  assert.deepEqual(r.read(r.start), whole.subarray(whole.length - cap));
  assert.deepEqual(r.read(r.head - 10, r.head - 3), whole.subarray(whole.length - 10, whole.length - 3));
});

test('a chunk larger than the ring keeps only its tail', () => {
  const r = new RingBuffer(4096);
  r.append(Buffer.from('prefix'));
  const big = randomBytes(10000);
  r.append(big);
  assert.equal(r.head, 10006);
  assert.equal(r.start, 10006 - 4096);
  assert.deepEqual(r.read(r.start), big.subarray(big.length - 4096));
});

test('reads past the head are refused', () => {
  const r = new RingBuffer(4096);
  r.append(Buffer.from('abc'));
  assert.throws(() => r.read(4), RangeError);
});
