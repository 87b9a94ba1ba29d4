import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as c from '../../bmc-adapters/ipmi/codec/index.ts';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolInboundFilter, type SolInboundKind } from '../../bmc-adapters/ipmi/sol/sol-inbound.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { FakeBmc } from './helpers/fake-bmc.ts';
import { FakeClock } from './helpers/fake-clock.ts';

// Duplicate detection of the BMC's SOL packets (IPMI v2.0 §15.9): fixtures through the pure
// filter on a fake clock, then the same traffic through SolTransport against a scripted BMC.

/** One BMC packet as it arrives: number, characters, optional time step (fake ms) before it, session duplicate. */
interface In {
  seq: number;
  data: string;
  dt?: number;
  sessionDup?: boolean;
}
/** What should come of it: the kind, the characters delivered, the ACK count (undefined = no ACK). */
interface Out {
  kind: SolInboundKind;
  deliver: string;
  ack: number | undefined;
}
interface Fixture {
  name: string;
  packets: In[];
  want: Out[];
  /** Whole console stream expected. */
  stream: string;
}

const n = (data: string): Out => ({ kind: 'new', deliver: data, ack: data.length });
const resend = (deliver: string, ack: number): Out => ({ kind: 'resend', deliver, ack });
const late: Out = { kind: 'late', deliver: '', ack: undefined };
/** Packets 1..15, 1.. carrying distinct text. */
const run = (from: number, count: number, tag: string): In[] => Array.from({ length: count }, (_, i) => ({ seq: ((from - 1 + i) % 15) + 1, data: `${tag}${i};` }));

const fixtures: Fixture[] = [
  {
    name: 'duplicate of the last packet: ACKed again, delivered once',
    packets: [
      { seq: 1, data: 'boot ' },
      { seq: 1, data: 'boot ' },
      { seq: 2, data: 'ok' },
    ],
    want: [n('boot '), resend('', 5), n('ok')],
    stream: 'boot ok',
  },
  {
    name: 'resend with characters appended (ipmi_sim): only the new ones, ACK all; an older shorter copy afterwards: nothing, ACK the longest',
    packets: [
      { seq: 5, data: 'abc' },
      { seq: 5, data: 'abcdef' },
      { seq: 5, data: 'abc' },
      { seq: 6, data: 'g' },
    ],
    want: [n('abc'), resend('def', 6), resend('', 6), n('g')],
    stream: 'abcdefg',
  },
  {
    name: 'reordering: a resend of packet 3 delayed behind packet 4 is a late copy, not delivered, not ACKed',
    packets: [
      { seq: 3, data: 'three' },
      { seq: 4, data: 'four' },
      { seq: 3, data: 'three', dt: 20 },
      { seq: 5, data: 'five' },
    ],
    want: [n('three'), n('four'), late, n('five')],
    stream: 'threefourfive',
  },
  {
    name: 'late copy several packets behind, and one of a longer resend, both recognised',
    packets: [
      { seq: 7, data: 'ab' },
      { seq: 7, data: 'abcd' },
      { seq: 8, data: 'x' },
      { seq: 9, data: 'y' },
      { seq: 10, data: 'z' },
      { seq: 7, data: 'ab' },
      { seq: 8, data: 'x' },
    ],
    want: [n('ab'), resend('cd', 4), n('x'), n('y'), n('z'), late, late],
    stream: 'abcdxyz',
  },
  {
    name: 'late duplicate of an older packet after the numbers wrapped (15 -> 1)',
    packets: [...run(13, 5, 'p'), { seq: 14, data: 'p1;', dt: 30 }, { seq: 3, data: 'next' }],
    // 13,14,15,1,2 then a late 14 ("p1;"), then the BMC's real next packet, 3.
    want: [n('p0;'), n('p1;'), n('p2;'), n('p3;'), n('p4;'), late, n('next')],
    stream: 'p0;p1;p2;p3;p4;next',
  },
  {
    name: 'a real new packet reusing a number 15 packets later is delivered, even with the same characters',
    packets: [...Array.from({ length: 16 }, (_, i) => ({ seq: (i % 15) + 1, data: '\r\n' }))],
    want: Array.from({ length: 16 }, () => n('\r\n')),
    stream: '\r\n'.repeat(16),
  },
  {
    name: 'the BMC gave up on packets we never saw: a skipped-to number that was seen long ago is new',
    packets: [{ seq: 1, data: 'a' }, { seq: 2, data: 'b' }, { seq: 3, data: 'c' }, { seq: 2, data: 'b', dt: 6000 }],
    want: [n('a'), n('b'), n('c'), n('b')],
    stream: 'abcb',
  },
  {
    name: 'same number as an older packet but unrelated characters: a new packet (a BMC skipping numbers)',
    packets: [{ seq: 1, data: 'one' }, { seq: 2, data: 'two' }, { seq: 1, data: 'other' }],
    want: [n('one'), n('two'), n('other')],
    stream: 'onetwoother',
  },
  {
    name: 'byte-identical datagram (same session sequence): re-ACK of the last packet only, never delivered',
    packets: [
      { seq: 4, data: 'hi' },
      { seq: 4, data: 'hi', sessionDup: true },
      { seq: 5, data: 'yo' },
      { seq: 4, data: 'hi', sessionDup: true },
    ],
    want: [n('hi'), resend('', 2), n('yo'), late],
    stream: 'hiyo',
  },
];

for (const f of fixtures) {
  test(`SOL inbound filter: ${f.name}`, () => {
    let now = 1000;
    const filter = new SolInboundFilter({ now: () => now });
    let stream = '';
    const got: Out[] = [];
    for (const p of f.packets) {
      now += p.dt ?? 10;
      const v = filter.accept(p.seq, Buffer.from(p.data, 'latin1'), p.sessionDup ?? false);
      stream += v.deliver.toString('latin1');
      assert.equal(v.useAckFields, v.kind !== 'late' && !p.sessionDup);
      if (v.ack) assert.equal(v.ack.seq, p.seq);
      got.push({ kind: v.kind, deliver: v.deliver.toString('latin1'), ack: v.ack?.count });
    }
    assert.deepEqual(got, f.want);
    assert.equal(stream, f.stream);
  });
}

test('SOL inbound filter: reset() forgets everything (a new activation numbers from 1 again)', () => {
  const filter = new SolInboundFilter({ now: () => 0 });
  filter.accept(1, Buffer.from('x'));
  filter.reset();
  assert.equal(filter.accept(1, Buffer.from('x')).kind, 'new');
});

// ---------------------------------------------------------------- through SolTransport

async function openTransport(tweak: (b: FakeBmc) => void = () => undefined) {
  const clock = new FakeClock();
  const bmc = new FakeBmc();
  tweak(bmc);
  const base = { host: 'fake', username: 'admin', password: 'secret', clock, random: (k: number) => Buffer.alloc(k, 7), timeoutMs: 1000, keepaliveMs: 0 };
  const t = new SolTransport({ ...base, statusCheckMs: 0, retransmitMs: 500, maxRetransmits: 3, clientFactory: async () => IpmiClient.overLink(bmc.link(), base) });
  const chunks: Buffer[] = [];
  t.on('data', (d) => chunks.push(d));
  let done = false;
  const p = t.open().finally(() => (done = true));
  await clock.runUntil(() => done);
  await p;
  return { clock, bmc, t, data: () => Buffer.concat(chunks).toString('latin1') };
}

const acksFor = (bmc: FakeBmc, seq: number) => bmc.log.filter((x) => x.sol && x.sol.packetSeq === 0 && x.sol.ackSeq === seq).map((x) => (x.sol as c.SolPacket).acceptedCount);
const pkt = (packetSeq: number, data: string, extra: Partial<c.SolPacket> = {}): c.SolPacket => ({ packetSeq, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from(data), ...extra });

test('SolTransport: a late resend of an older packet after a newer one is neither delivered nor ACKed', async () => {
  const { clock, bmc, t, data } = await openTransport();
  bmc.pushSol(pkt(3, 'three'));
  bmc.pushSol(pkt(4, 'four'));
  bmc.pushSol(pkt(3, 'three')); // a resend (new session sequence number) the network delayed
  bmc.pushSol(pkt(5, 'five'));
  await clock.advance(10);
  assert.equal(data(), 'threefourfive');
  assert.deepEqual(acksFor(bmc, 3), [5], 'the late copy is not ACKed');
  assert.equal(t.stats.lateIn, 1);
  await t.close();
});

test('SolTransport: a resend with other ACK fields is ACKed again, its new ACK taken, its characters not repeated', async () => {
  // The BMC ACKs our data only inside its own data packets (the first, data-less packet normally).
  const { clock, bmc, t, data } = await openTransport((b) => (b.onSol = (p) => (p.packetSeq && p.data.length === 0 ? [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: 0, opStatus: 0, data: Buffer.alloc(0) }] : [])));
  const before = bmc.log.filter((x) => x.sol && x.sol.packetSeq !== 0 && x.sol.data.length > 0).length;
  t.write(Buffer.from('ls\r'));
  await clock.advance(10);
  const mine = bmc.log.filter((x) => x.sol && x.sol.packetSeq !== 0 && x.sol.data.length > 0).slice(before);
  assert.equal(mine.length, 1);
  const ourSeq = (mine[0]?.sol as c.SolPacket).packetSeq;
  bmc.pushSol(pkt(6, 'ls\r\n'));
  bmc.pushSol(pkt(6, 'ls\r\n', { ackSeq: ourSeq, acceptedCount: 3 })); // resend, now carrying the ACK of our packet
  await clock.advance(10);
  assert.equal(data(), 'ls\r\n');
  assert.deepEqual(acksFor(bmc, 6), [4, 4]);
  assert.equal(t.stats.bytesOut, 3, 'the piggy-backed ACK of our packet was used');
  await clock.advance(2000);
  assert.equal(t.stats.retransmits, 0);
  await t.close();
});

test('SolTransport: numbers wrap after 15 packets; a real new packet reusing a number is delivered', async () => {
  const { clock, bmc, t, data } = await openTransport();
  let want = '';
  for (let i = 0; i < 32; i++) {
    const s = `${i % 3 === 0 ? 'same' : `l${i}`}\r\n`;
    want += s;
    bmc.pushSol(pkt((i % 15) + 1, s));
  }
  await clock.advance(10);
  assert.equal(data(), want);
  assert.equal(t.stats.duplicatesIn, 0);
  await t.close();
});

test('SolTransport: SOL data that beats the Activate Payload reply is not forgotten: its resend is not delivered again', async () => {
  const { clock, bmc, t, data } = await openTransport((b) => (b.solBeforeActivateReply = [pkt(1, 'early\r\n')]));
  bmc.pushSol(pkt(1, 'early\r\n')); // our ACK was lost: the BMC resends it
  bmc.pushSol(pkt(2, 'later'));
  await clock.advance(10);
  assert.equal(data(), 'early\r\nlater');
  await t.close();
});
