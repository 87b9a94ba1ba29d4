import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';
import { IpmiSession, type SessionOptions } from '../../bmc-adapters/ipmi/session/session.ts';
import { SeqWindow } from '../../bmc-adapters/ipmi/session/seq-window.ts';
import { FakeBmc } from './helpers/fake-bmc.ts';
import { FakeClock } from './helpers/fake-clock.ts';

// The session state machine against a scripted BMC, on a fake clock: no real time passes.

function setup(o: Partial<SessionOptions> = {}, tweak: (b: FakeBmc) => void = () => undefined) {
  const clock = new FakeClock();
  const bmc = new FakeBmc();
  tweak(bmc);
  const link = bmc.link();
  const s = new IpmiSession(link, { username: 'admin', password: 'secret', clock, random: (n) => Buffer.alloc(n, 7), timeoutMs: 1000, keepaliveMs: 0, ...o });
  link.connect((b) => s.receive(b));
  return { clock, bmc, s };
}

/** Runs `p` to completion by advancing fake time; returns its value or rethrows its error. */
async function drive<T>(clock: FakeClock, p: Promise<T>, maxMs = 120000): Promise<T> {
  let done = false;
  const wrapped = p.finally(() => (done = true));
  wrapped.catch(() => undefined);
  await clock.runUntil(() => done, maxMs);
  return wrapped;
}

const types = (b: FakeBmc) => b.log.map((x) => x.payloadType);

test('handshake: auth cap, open session (17), RAKP 1-4, set privilege; close sends Close Session', async () => {
  const { clock, bmc, s } = setup();
  await drive(clock, s.open());
  assert.equal(s.state, 'active');
  assert.equal(s.suite?.id, 17);
  assert.deepEqual(types(bmc).slice(0, 4), ['ipmi15', c.PAYLOAD_OPEN_SESSION_REQUEST, c.PAYLOAD_RAKP1, c.PAYLOAD_RAKP3]);
  assert.ok(bmc.log.some((x) => x.cmd === c.CMD_SET_SESSION_PRIVILEGE), 'open() raises to the requested privilege');
  assert.equal(s.sessionPrivilege, c.PRIV_ADMIN);
  const id = c.decodeDeviceIdResponse(await drive(clock, s.request(c.NETFN_APP, c.CMD_GET_DEVICE_ID, Buffer.alloc(0))));
  assert.equal(id.manufacturerId, 0xbeef);
  await drive(clock, s.close());
  assert.equal(bmc.sessionsClosed, 1);
  assert.equal(s.state, 'closed');
});

test('privilege: a USER-level request logs in without Set Session Privilege; the first command needing more raises once', async () => {
  const { clock, bmc, s } = setup();
  const privs = () => bmc.log.filter((x) => x.cmd === c.CMD_SET_SESSION_PRIVILEGE).length;
  const st = c.decodeChassisStatusResponse(await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_GET_CHASSIS_STATUS, Buffer.alloc(0), { privilege: c.PRIV_USER })));
  assert.equal(st.powerOn, false);
  assert.equal(privs(), 0);
  assert.equal(s.sessionPrivilege, c.PRIV_USER);
  await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_CHASSIS_CONTROL, c.encodeChassisControlRequest(c.CHASSIS_POWER_UP)));
  await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_CHASSIS_CONTROL, c.encodeChassisControlRequest(c.CHASSIS_POWER_UP)));
  assert.equal(privs(), 1);
  const inSession = bmc.log.filter((x) => x.payloadType === c.PAYLOAD_IPMI).map((x) => x.cmd);
  assert.deepEqual(inSession, [c.CMD_GET_CHASSIS_STATUS, c.CMD_SET_SESSION_PRIVILEGE, c.CMD_CHASSIS_CONTROL, c.CMD_CHASSIS_CONTROL]);
  assert.equal(s.sessionPrivilege, c.PRIV_ADMIN);
  assert.equal(s.stats.handshakes, 1);
  await drive(clock, s.close({ timeoutMs: 100, retries: 0 }));
  assert.equal(bmc.sessionsClosed, 1);
});

test('close({ awaitReply: false }): Close Session sent once, returns without its reply, no timer left behind', async () => {
  // The BMC gets the request but its reply is lost: the session closes at once all the same.
  const { clock, bmc, s } = setup({}, (b) => (b.mangleOut = (r, x) => (x.cmd === c.CMD_CLOSE_SESSION ? [] : [r])));
  await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_GET_CHASSIS_STATUS, Buffer.alloc(0), { privilege: c.PRIV_USER }));
  const t0 = clock.now();
  await s.close({ awaitReply: false });
  assert.equal(clock.now(), t0, 'no fake time had to pass');
  assert.equal(s.state, 'closed');
  assert.equal(bmc.sessionsClosed, 1);
  assert.equal(bmc.log.filter((x) => x.cmd === c.CMD_CLOSE_SESSION).length, 1, 'sent once, never resent');
  assert.equal(clock.pending(), 0);
});

test('privilege: a refused Set Session Privilege is E_IPMI_PRIVILEGE, and open() closes the session it made', async () => {
  const { clock, bmc, s } = setup({}, (b) => (b.privilegeCc = 0x81));
  await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string; completionCode?: number }) => e.code === 'E_IPMI_PRIVILEGE' && e.completionCode === 0x81);
  assert.equal(bmc.sessionsClosed, 1);
  assert.notEqual(s.state, 'active');
  // A USER-level request on a fresh session still works: nothing asked for more.
  const t = setup({}, (b) => (b.privilegeCc = 0x81));
  await drive(t.clock, t.s.request(c.NETFN_CHASSIS, c.CMD_GET_CHASSIS_STATUS, Buffer.alloc(0), { privilege: c.PRIV_USER }));
  await assert.rejects(drive(t.clock, t.s.request(c.NETFN_CHASSIS, c.CMD_CHASSIS_CONTROL, c.encodeChassisControlRequest(c.CHASSIS_POWER_UP))), (e: Error & { code?: string }) => e.code === 'E_IPMI_PRIVILEGE');
  assert.equal(t.bmc.powerOn, false);
});

test('suite fallback: a BMC without 17 answers 0x11 and suite 3 is used', async () => {
  const { clock, s } = setup({}, (b) => (b.suites = new Set([3])));
  await drive(clock, s.open());
  assert.equal(s.suite?.id, 3);
});

test('a lost RAKP3 restarts the whole handshake; RAKP1/RAKP3 are never resent alone', async () => {
  let rakp3Seen = 0;
  const { clock, bmc, s } = setup({}, (b) => (b.dropIn = (x) => x.payloadType === c.PAYLOAD_RAKP3 && ++rakp3Seen === 1));
  await drive(clock, s.open());
  assert.equal(s.state, 'active');
  const t = types(bmc).filter((x) => x !== 'ipmi15' && x !== c.PAYLOAD_IPMI);
  assert.deepEqual(t, [c.PAYLOAD_OPEN_SESSION_REQUEST, c.PAYLOAD_RAKP1, c.PAYLOAD_RAKP3, c.PAYLOAD_OPEN_SESSION_REQUEST, c.PAYLOAD_RAKP1, c.PAYLOAD_RAKP3]);
  assert.equal(s.stats.handshakes, 2);
  // Each RAKP1/RAKP3 directly follows an Open Session/RAKP1 of the same attempt.
  for (let i = 0; i < t.length; i++) if (t[i] === c.PAYLOAD_RAKP3) assert.equal(t[i - 1], c.PAYLOAD_RAKP1);
});

test('a lost Set Session Privilege reply retransmits inside the session, then the handshake is reused', async () => {
  let n = 0;
  const { clock, s } = setup({}, (b) => (b.mangleOut = (r, x) => (x.cmd === c.CMD_SET_SESSION_PRIVILEGE && ++n === 1 ? [] : [r])));
  await drive(clock, s.open());
  assert.equal(s.stats.retransmits, 1);
  assert.equal(s.stats.handshakes, 1);
});

test('handshake gives up after handshakeAttempts full restarts with E_IPMI_TIMEOUT', async () => {
  const { clock, bmc, s } = setup({ handshakeAttempts: 3 }, (b) => (b.dropIn = (x) => x.payloadType === c.PAYLOAD_RAKP1));
  await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_TIMEOUT');
  assert.equal(types(bmc).filter((x) => x === c.PAYLOAD_OPEN_SESSION_REQUEST).length, 3);
  assert.equal(s.state, 'idle');
});

test('outbound session sequence grows on every transmission, retransmits keep the rqSeq', async () => {
  let drops = 0;
  const { clock, bmc, s } = setup({}, (b) => (b.dropIn = (x) => x.cmd === c.CMD_GET_DEVICE_ID && drops++ < 2));
  await drive(clock, s.open());
  await drive(clock, s.request(c.NETFN_APP, c.CMD_GET_DEVICE_ID, Buffer.alloc(0)));
  const inSession = bmc.log.filter((x) => x.payloadType === c.PAYLOAD_IPMI);
  const seqs = inSession.map((x) => x.sessionSeq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'strictly 1, 2, 3, ...');
  const gets = inSession.filter((x) => x.cmd === c.CMD_GET_DEVICE_ID);
  assert.equal(gets.length, 3);
  assert.equal(new Set(gets.map((x) => x.rqSeq)).size, 1);
  assert.equal(s.stats.retransmits, 2);
});

test('duplicated BMC packets are rejected by the inbound window', async () => {
  const { clock, s } = setup({}, (b) => (b.mangleOut = (r, x) => (x.cmd === c.CMD_GET_DEVICE_ID ? [r, r, r] : [r])));
  await drive(clock, s.open());
  await drive(clock, s.request(c.NETFN_APP, c.CMD_GET_DEVICE_ID, Buffer.alloc(0)));
  assert.equal(s.stats.duplicates, 2);
});

test('a packet with a bad AuthCode is dropped, not thrown', async () => {
  const { clock, s } = setup({ retries: 1 }, (b) => {
    b.mangleOut = (r, x) => {
      if (x.cmd !== c.CMD_GET_DEVICE_ID) return [r];
      const bad = Buffer.from(r);
      bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
      return [bad, r];
    };
  });
  await drive(clock, s.open());
  await drive(clock, s.request(c.NETFN_APP, c.CMD_GET_DEVICE_ID, Buffer.alloc(0)));
  assert.equal(s.stats.decodeErrors, 1);
});

test('SeqWindow: ahead accepted, duplicates and too-old rejected, late-but-new accepted once', () => {
  const w = new SeqWindow(8);
  assert.ok(w.accept(10));
  assert.ok(!w.accept(10));
  assert.ok(w.accept(12));
  assert.ok(w.accept(11));
  assert.ok(!w.accept(11));
  assert.ok(!w.accept(3));
  assert.ok(w.accept(1000));
  assert.ok(w.accept(0xffffffff) === false);
});

test('insecure suites and IPMI 1.5-only BMCs are refused with the reason; opt-ins work', async () => {
  {
    const { clock, s } = setup({ cipherSuites: [1] });
    await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_INSECURE' && /integrity/.test(e.message) && /allowInsecure/.test(e.message));
  }
  {
    const { clock, s } = setup({ cipherSuites: [2], allowInsecure: true }, (b) => (b.suites = new Set([2])));
    await drive(clock, s.open());
    assert.equal(s.suite?.id, 2);
  }
  {
    const { clock, s } = setup({}, (b) => (b.ipmi20 = false));
    await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_INSECURE' && /IPMI 1\.5/.test(e.message));
  }
  {
    const { clock, s } = setup({ workarounds: ['authcap'] }, (b) => (b.ipmi20 = false));
    await drive(clock, s.open());
    assert.equal(s.state, 'active');
  }
});

test('algorithms the BMC echoes must be the ones proposed', async () => {
  const { clock, s } = setup({ cipherSuites: [17] }, (b) => (b.echoAlgorithms = { auth: 1, integrity: 1, confidentiality: 1 }));
  await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_SUITE');
});

test('opensesspriv: privilege 0 in the Open Session Response is refused unless the workaround is on', async () => {
  {
    const { clock, s } = setup({}, (b) => (b.openSessionPriv = 0));
    await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_PRIVILEGE' && /opensesspriv/.test(e.message));
  }
  const { clock, s } = setup({ workarounds: ['opensesspriv'] }, (b) => (b.openSessionPriv = 0));
  await drive(clock, s.open());
  assert.equal(s.state, 'active');
});

test('wrong password: E_IPMI_AUTH, and RAKP3 carries an error status so the BMC frees the session', async () => {
  const { clock, bmc, s } = setup({ password: 'nope' });
  await assert.rejects(drive(clock, s.open()), (e: Error & { code?: string }) => e.code === 'E_IPMI_AUTH' && /wrong password/.test(e.message));
  assert.equal(types(bmc).at(-1), c.PAYLOAD_RAKP3);
});

test('keepalive notices a BMC that dropped the session (idle timeout); the next request logs in again', async () => {
  const { clock, bmc, s } = setup({ keepaliveMs: 5000, retries: 1 });
  const lost: string[] = [];
  s.on('lost', (r) => lost.push(r));
  await drive(clock, s.open());
  await clock.advance(5000);
  assert.ok(bmc.log.some((x) => x.cmd === c.CMD_GET_DEVICE_ID), 'keepalive sent');
  bmc.forgetSession();
  await clock.advance(20000);
  assert.equal(lost.length, 1);
  assert.equal(s.state, 'idle');
  const st = c.decodeChassisStatusResponse(await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_GET_CHASSIS_STATUS, Buffer.alloc(0))));
  assert.equal(st.powerOn, false);
  assert.equal(s.state, 'active');
  assert.equal(s.stats.handshakes, 2);
});

test('a request that goes unanswered because the BMC forgot the session logs in again and succeeds', async () => {
  const { clock, bmc, s } = setup({ retries: 1 });
  await drive(clock, s.open());
  bmc.forgetSession();
  await drive(clock, s.request(c.NETFN_CHASSIS, c.CMD_CHASSIS_CONTROL, c.encodeChassisControlRequest(c.CHASSIS_POWER_UP)));
  assert.equal(bmc.powerOn, true);
  assert.equal(s.stats.handshakes, 2);
});
