import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport, type SolOptions } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { FakeBmc } from './helpers/fake-bmc.ts';
import { FakeClock } from './helpers/fake-clock.ts';

// SOL flow control against a scripted BMC on a fake clock.

function setup(o: Partial<SolOptions> = {}, tweak: (b: FakeBmc) => void = () => undefined) {
  const clock = new FakeClock();
  const bmc = new FakeBmc();
  tweak(bmc);
  const base = { host: 'fake', username: 'admin', password: 'secret', clock, random: (n: number) => Buffer.alloc(n, 9), timeoutMs: 1000, keepaliveMs: 0 };
  const t = new SolTransport({ ...base, statusCheckMs: 0, retransmitMs: 500, maxRetransmits: 3, clientFactory: async () => IpmiClient.overLink(bmc.link(), base), ...o });
  const data: Buffer[] = [];
  const warnings: string[] = [];
  const states: string[] = [];
  t.on('data', (d) => data.push(d));
  t.on('warning', (w) => warnings.push(w));
  t.on('state', (e) => states.push(e.state));
  return { clock, bmc, t, data: () => Buffer.concat(data).toString('latin1'), warnings, states };
}

async function open(clock: FakeClock, t: SolTransport): Promise<void> {
  let done = false;
  const p = t.open().finally(() => (done = true));
  await clock.runUntil(() => done);
  await p;
}

const solOut = (b: FakeBmc) => b.log.filter((x) => x.sol && x.sol.packetSeq !== 0).map((x) => x.sol as c.SolPacket);

test('SOL data sent before the Activate Payload reply is delivered and ACKed', async () => {
  const { clock, bmc, t, data } = setup({}, (b) => (b.solBeforeActivateReply = [{ packetSeq: 1, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from('early boot\r\n') }]));
  await open(clock, t);
  assert.equal(data(), 'early boot\r\n');
  assert.ok(bmc.log.some((x) => x.sol && x.sol.packetSeq === 0 && x.sol.ackSeq === 1 && x.sol.acceptedCount === 12));
  await t.close();
});

test('partial accept: the rest is resent in new packets, one packet outstanding, bytes arrive in order', async () => {
  const accepted: Buffer[] = [];
  const { clock, bmc, t } = setup({}, (b) => {
    b.onSol = (p) => {
      if (!p.packetSeq) return [];
      const n = Math.min(3, p.data.length);
      accepted.push(p.data.subarray(0, n));
      return [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: n, opStatus: n < p.data.length ? c.SOL_ST_NACK : 0, data: Buffer.alloc(0) }];
    };
  });
  await open(clock, t);
  t.write(Buffer.from('hello '));
  t.write(Buffer.from('world'));
  await clock.advance(100);
  assert.equal(Buffer.concat(accepted).toString(), 'hello world');
  const seqs = solOut(bmc).filter((p) => p.data.length > 0).map((p) => p.packetSeq);
  for (let i = 1; i < seqs.length; i++) assert.notEqual(seqs[i], seqs[i - 1], 'each resend of a remainder is a new packet');
  await t.close();
});

test('no ACK: the same packet is retransmitted (bounded), then dropped with a warning; later data flows', async () => {
  let ackOn = false;
  const got: string[] = [];
  const { clock, bmc, t, warnings } = setup({}, (b) => {
    b.onSol = (p) => {
      if (!p.packetSeq || (!ackOn && p.data.length > 0)) return [];
      if (p.data.length > 0) got.push(p.data.toString());
      return [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: p.data.length, opStatus: 0, data: Buffer.alloc(0) }];
    };
  });
  await open(clock, t);
  const before = solOut(bmc).length;
  t.write(Buffer.from('lost'));
  t.write(Buffer.from('queued')); // must wait: one packet outstanding
  await clock.advance(100);
  assert.equal(solOut(bmc).length - before, 1);
  await clock.advance(2000);
  const tries = solOut(bmc).slice(before).filter((p) => p.data.toString() === 'lost');
  assert.equal(tries.length, 4, 'first send + 3 retransmits');
  assert.equal(new Set(tries.map((p) => p.packetSeq)).size, 1);
  assert.ok(warnings.some((w) => /never acknowledged/.test(w)));
  ackOn = true;
  await clock.advance(2000);
  assert.deepEqual(got, ['queued']);
  assert.equal(t.stats.dropped, 4);
  await t.close();
});

test('a BMC packet resent (same SOL sequence) is ACKed again but delivered once', async () => {
  const { clock, bmc, t, data } = setup();
  await open(clock, t);
  const p = { packetSeq: 2, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from('once') };
  bmc.pushSol(p);
  bmc.pushSol(p);
  bmc.pushSol({ ...p, packetSeq: 3, data: Buffer.from('-twice') });
  await clock.advance(10);
  assert.equal(data(), 'once-twice');
  assert.equal(bmc.log.filter((x) => x.sol && x.sol.packetSeq === 0 && x.sol.ackSeq === 2).length, 2);
  assert.equal(t.stats.duplicatesIn, 1);
  await t.close();
});

test('break sets the generate-break bit; character-unavailable NACK pauses and resends', async () => {
  let busy = true;
  const { clock, bmc, t } = setup({}, (b) => {
    b.onSol = (p) => {
      if (!p.packetSeq) return [];
      if (busy && p.data.length > 0) {
        busy = false;
        return [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: 0, opStatus: c.SOL_ST_NACK | c.SOL_ST_CHAR_UNAVAILABLE, data: Buffer.alloc(0) }];
      }
      return [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: p.data.length, opStatus: 0, data: Buffer.alloc(0) }];
    };
  });
  await open(clock, t);
  t.sendBreak();
  await clock.advance(10);
  assert.ok(solOut(bmc).some((p) => (p.opStatus & c.SOL_OP_GENERATE_BREAK) !== 0));
  t.write(Buffer.from('x'));
  await clock.advance(10);
  const n = solOut(bmc).filter((p) => p.data.toString() === 'x').length;
  assert.equal(n, 1, 'paused after NACK');
  await clock.advance(600);
  assert.equal(solOut(bmc).filter((p) => p.data.toString() === 'x').length, 2);
  await t.close();
});

test('deactivation by the BMC is detected: state goes reconnecting', async () => {
  const { clock, bmc, t, states } = setup({ reconnect: { initialMs: 100000, maxMs: 100000 } });
  await open(clock, t);
  bmc.solActive = false;
  bmc.pushSol({ packetSeq: 4, ackSeq: 0, acceptedCount: 0, opStatus: c.SOL_ST_DEACTIVATED, data: Buffer.alloc(0) });
  await clock.advance(10);
  assert.equal(t.state, 'reconnecting');
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting']);
  await t.close();
});

test('a stolen instance (owner session changes) is detected by the periodic check', async () => {
  const { clock, bmc, t } = setup({ statusCheckMs: 1000, reconnect: { initialMs: 100000, maxMs: 100000 } });
  await open(clock, t);
  bmc.solOwner = 0xdead;
  await clock.advance(1500);
  assert.equal(t.state, 'reconnecting');
  await t.close();
});

test('activation refused when another console holds SOL, unless steal is allowed', async () => {
  {
    const { clock, t } = setup({}, (b) => (b.solActive = true));
    let err: unknown;
    const p = t.open().catch((e: unknown) => (err = e));
    await clock.runUntil(() => err !== undefined);
    await p;
    assert.match(String(err), /in use by another session/);
  }
  const { clock, bmc, t, warnings } = setup({ steal: true }, (b) => (b.solActive = true));
  await open(clock, t);
  assert.ok(warnings.some((w) => /took over/.test(w)));
  assert.ok(bmc.log.some((x) => x.cmd === c.CMD_DEACTIVATE_PAYLOAD));
  await t.close();
});

test('a resend with characters appended delivers only the new ones; an older shorter copy nothing', async () => {
  const { clock, bmc, t, data } = setup();
  await open(clock, t);
  const p = { packetSeq: 5, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from('abc') };
  bmc.pushSol(p);
  bmc.pushSol({ ...p, data: Buffer.from('abcdef') }); // our ACK was lost; more output arrived meanwhile
  bmc.pushSol(p); // the old copy, reordered behind the longer one
  bmc.pushSol({ ...p, packetSeq: 6, data: Buffer.from('g') });
  await clock.advance(10);
  assert.equal(data(), 'abcdefg');
  await t.close();
});
