import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SolPacket } from '../../bmc-adapters/ipmi/codec/sol.ts';
import { SOL_OP_NACK, SOL_ST_DEACTIVATED } from '../../bmc-adapters/ipmi/codec/sol.ts';
import { ManualClock } from '../../lab/bmc/clock.ts';
import { SolChannel } from '../../lab/bmc/ipmi/sol-channel.ts';

function rig(o: { maxPayload?: number; retryCount?: number } = {}) {
  const clock = new ManualClock();
  const sent: SolPacket[] = [];
  const typed: Buffer[] = [];
  const ch = new SolChannel({
    clock,
    send: (p) => sent.push(p),
    writeSerial: (d) => typed.push(d),
    maxPayload: o.maxPayload ?? 8,
    retryIntervalMs: 100,
    retryCount: o.retryCount ?? 2,
  });
  return { clock, sent, typed, ch };
}

const ack = (seq: number, count: number, flags = 0): SolPacket => ({ packetSeq: 0, ackSeq: seq, acceptedCount: count, opStatus: flags, data: Buffer.alloc(0) });

describe('lab BMC SOL channel (BMC side)', () => {
  test('splits output at the payload size, one packet outstanding until ACKed', () => {
    const { sent, ch } = rig({ maxPayload: 8 });
    ch.enqueue(Buffer.from('abcdefghij'));
    assert.equal(sent.length, 1);
    assert.deepEqual([sent[0]?.packetSeq, sent[0]?.data.toString()], [1, 'abcd']);
    ch.receive(ack(1, 4));
    assert.deepEqual([sent[1]?.packetSeq, sent[1]?.data.toString()], [2, 'efgh']);
    ch.receive(ack(2, 4));
    ch.receive(ack(3, 2));
    assert.equal(sent.map((p) => p.data.toString()).join(''), 'abcdefghij');
    assert.equal(ch.queuedBytes, 0);
  });

  test('partial accept: the rest goes again under a new sequence number', () => {
    const { sent, ch } = rig({ maxPayload: 8 });
    ch.enqueue(Buffer.from('abcd'));
    ch.receive(ack(1, 1));
    assert.deepEqual([sent[1]?.packetSeq, sent[1]?.data.toString()], [2, 'bcd']);
  });

  test('retransmits the same packet on timeout, gives up after the retry count, then moves on', () => {
    const { clock, sent, ch } = rig({ maxPayload: 8, retryCount: 2 });
    ch.enqueue(Buffer.from('abcdXY'));
    clock.advance(100);
    clock.advance(100);
    assert.deepEqual(
      sent.map((p) => [p.packetSeq, p.data.toString()]),
      [
        [1, 'abcd'],
        [1, 'abcd'],
        [1, 'abcd'],
      ],
    );
    clock.advance(100);
    assert.deepEqual([sent[3]?.packetSeq, sent[3]?.data.toString()], [2, 'XY']);
    assert.equal(ch.stats.givenUp, 1);
  });

  test('a NACK holds the packet for the retry timer', () => {
    const { clock, sent, ch } = rig();
    ch.enqueue(Buffer.from('ab'));
    ch.receive(ack(1, 0, SOL_OP_NACK));
    assert.equal(sent.length, 1);
    clock.advance(100);
    assert.deepEqual([sent[1]?.packetSeq, sent[1]?.data.toString()], [1, 'ab']);
  });

  test('console data is written once and ACKed; a resent packet is only re-ACKed', () => {
    const { sent, typed, ch } = rig();
    const pkt: SolPacket = { packetSeq: 5, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from('ls\r') };
    ch.receive(pkt);
    ch.receive(pkt);
    assert.equal(Buffer.concat(typed).toString(), 'ls\r');
    assert.deepEqual(
      sent.map((p) => [p.packetSeq, p.ackSeq, p.acceptedCount]),
      [
        [0, 5, 3],
        [0, 5, 3],
      ],
    );
    assert.equal(ch.stats.duplicates, 1);
    // A resend of 5 delayed behind packet 6 is still a resend.
    ch.receive({ ...pkt, packetSeq: 6, data: Buffer.from('x') });
    ch.receive(pkt);
    assert.equal(Buffer.concat(typed).toString(), 'ls\rx');
  });

  test('sequence numbers cycle 1..15, never 0', () => {
    const { sent, ch } = rig({ maxPayload: 5 });
    ch.enqueue(Buffer.alloc(20, 0x41));
    for (let i = 0; i < 20; i++) ch.receive(ack(sent[sent.length - 1]?.packetSeq ?? 0, 1));
    assert.deepEqual(
      sent.map((p) => p.packetSeq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1, 2, 3, 4, 5],
    );
  });

  test('close with notify sends "deactivating" and stops timers', () => {
    const { clock, sent, ch } = rig();
    ch.enqueue(Buffer.from('x'));
    ch.close(true);
    assert.equal(sent[1]?.opStatus, SOL_ST_DEACTIVATED);
    assert.equal(clock.pending, 0);
  });
});
