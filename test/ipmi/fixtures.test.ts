import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';

// Real packets: ipmitool -I lanplus -C 3 "chassis status" against OpenIPMI's ipmi_sim,
// captured through lab/peers/udp-relay.ts by fixtures/capture.mts. Knowing only the
// password, our codec and crypto must reproduce every HMAC and decrypt every packet.
interface Capture {
  username: string;
  password: string;
  packets: { dir: 'c2s' | 's2c'; hex: string }[];
}
const cap = JSON.parse(readFileSync(new URL('./fixtures/ipmitool-ipmisim-c3.json', import.meta.url), 'utf8')) as Capture;
const pkts = cap.packets.map((p) => ({ dir: p.dir, buf: Buffer.from(p.hex, 'hex') }));

test('fixture: ipmitool <-> ipmi_sim suite 3 handshake verifies, every session packet decrypts', () => {
  const byType = (t: number) => pkts.find((p) => c.peekSession(p.buf).authType === 6 && c.peekSession(p.buf).payloadType === t);
  // 1. Get Channel Auth Capabilities in IPMI 1.5 framing, both ways.
  const acq = c.decodeIpmiRequest(c.decodeIpmi15(pkts[0]!.buf).payload);
  assert.equal(acq.cmd, c.CMD_GET_CHANNEL_AUTH_CAP);
  const acs = c.decodeIpmiResponse(c.decodeIpmi15(pkts[1]!.buf).payload);
  const cap15 = c.decodeChannelAuthCapResponse(acs.data);
  assert.ok(cap15.supportsIpmi20);
  // 2. Open Session, RAKP 1-4.
  const osq = c.decodeOpenSessionRequest(c.decodeRmcpPlus(byType(c.PAYLOAD_OPEN_SESSION_REQUEST)!.buf).payload);
  const osr = c.decodeOpenSessionResponse(c.decodeRmcpPlus(byType(c.PAYLOAD_OPEN_SESSION_RESPONSE)!.buf).payload);
  assert.equal(osr.status, 0);
  assert.deepEqual(osr.algorithms, { auth: 1, integrity: 1, confidentiality: 1 });
  const r1 = c.decodeRakp1(c.decodeRmcpPlus(byType(c.PAYLOAD_RAKP1)!.buf).payload);
  const r2 = c.decodeRakp2(c.decodeRmcpPlus(byType(c.PAYLOAD_RAKP2)!.buf).payload);
  const r3 = c.decodeRakp3(c.decodeRmcpPlus(byType(c.PAYLOAD_RAKP3)!.buf).payload);
  const r4 = c.decodeRakp4(c.decodeRmcpPlus(byType(c.PAYLOAD_RAKP4)!.buf).payload);
  assert.equal(r1.username.toString(), cap.username);
  const suite = c.CIPHER_SUITES.get(3)!;
  const i: c.RakpInputs = {
    auth: suite.auth,
    password: Buffer.from(cap.password),
    consoleSessionId: osq.consoleSessionId,
    bmcSessionId: osr.bmcSessionId!,
    consoleRandom: r1.consoleRandom,
    bmcRandom: r2.bmcRandom!,
    bmcGuid: r2.bmcGuid!,
    role: r1.role,
    username: r1.username,
  };
  assert.ok(c.safeEqual(c.rakp2AuthCode(i), r2.keyExchangeAuthCode!), 'RAKP2 HMAC from ipmi_sim');
  assert.ok(c.safeEqual(c.rakp3AuthCode(i), r3.keyExchangeAuthCode), 'RAKP3 HMAC from ipmitool');
  const km = c.deriveSessionKeys(suite, i);
  assert.ok(c.safeEqual(c.rakp4Icv(i, km.sik), r4.integrityCheckValue), 'RAKP4 ICV from ipmi_sim');
  // 3. Every later packet: AuthCode verifies, AES decrypts, IPMI checksums hold.
  const session = pkts.filter((p) => c.peekSession(p.buf).authType === 6 && c.peekSession(p.buf).sessionId !== 0);
  assert.ok(session.length >= 8);
  let chassis: c.ChassisStatus | undefined;
  for (const p of session) {
    const d = c.decodeRmcpPlus(p.buf, km.keys, c.safeEqual);
    assert.ok(d.encrypted && d.authenticated);
    if (p.dir === 'c2s') c.decodeIpmiRequest(d.payload);
    else {
      const rs = c.decodeIpmiResponse(d.payload);
      if (rs.netFn === c.NETFN_CHASSIS + 1 && rs.cmd === c.CMD_GET_CHASSIS_STATUS) chassis = c.decodeChassisStatusResponse(rs.data);
    }
  }
  assert.equal(chassis?.powerOn, false);
});

test('fixture: every captured packet survives byte-wise truncation with only DecodeError', async () => {
  const { DecodeError } = await import('../../bmc-adapters/errors.ts');
  for (const p of pkts) {
    for (let n = 0; n < p.buf.length; n++) {
      try {
        if (c.peekSession(p.buf).authType === 6) c.decodeRmcpPlus(p.buf.subarray(0, n));
        else c.decodeIpmi15(p.buf.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof DecodeError, String(e));
      }
    }
  }
});
