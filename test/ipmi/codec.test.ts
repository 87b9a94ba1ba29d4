import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as c from '../../bmc-adapters/ipmi/codec/index.ts';
import { DecodeError } from '../../bmc-adapters/errors.ts';

/** [name, value, encode, decode]: decode(encode(v)) must deep-equal v. */
type Case = [string, unknown, (v: never) => Buffer, (b: Buffer) => unknown];
const b = (...x: number[]) => Buffer.from(x);
const r16 = Buffer.from([...Array(16).keys()]);

const cases: Case[] = [
  ['asf ping', { tag: 7 }, c.encodeAsfPing, c.decodeAsfPing],
  ['asf pong', { tag: 9, oemIana: 0x11be, oemDefined: 0, ipmiSupported: true, supportedEntities: 1, supportedInteractions: 0 }, c.encodeAsfPong, c.decodeAsfPong],
  ['ipmi15', { authType: 0, sessionSeq: 0, sessionId: 0, payload: b(1, 2, 3) }, c.encodeIpmi15, c.decodeIpmi15],
  ['open session rq', { tag: 1, maxPrivilege: 4, consoleSessionId: 0xdeadbeef, algorithms: { auth: 3, integrity: 4, confidentiality: 1 } }, c.encodeOpenSessionRequest, c.decodeOpenSessionRequest],
  ['open session rs', { tag: 1, status: 0, maxPrivilege: 4, consoleSessionId: 5, bmcSessionId: 6, algorithms: { auth: 1, integrity: 1, confidentiality: 1 } }, c.encodeOpenSessionResponse, c.decodeOpenSessionResponse],
  ['open session rs error', { tag: 1, status: 0x11, maxPrivilege: 0, consoleSessionId: 5 }, c.encodeOpenSessionResponse, c.decodeOpenSessionResponse],
  ['rakp1', { tag: 2, bmcSessionId: 9, consoleRandom: r16, role: 0x14, username: Buffer.from('admin') }, c.encodeRakp1, c.decodeRakp1],
  ['rakp2', { tag: 2, status: 0, consoleSessionId: 9, bmcRandom: r16, bmcGuid: r16, keyExchangeAuthCode: Buffer.alloc(20, 1) }, c.encodeRakp2, c.decodeRakp2],
  ['rakp3', { tag: 3, status: 0, bmcSessionId: 9, keyExchangeAuthCode: Buffer.alloc(32, 2) }, c.encodeRakp3, c.decodeRakp3],
  ['rakp4', { tag: 3, status: 0, consoleSessionId: 9, integrityCheckValue: Buffer.alloc(12, 3) }, c.encodeRakp4, c.decodeRakp4],
  ['ipmi request', { rsAddr: 0x20, netFn: 6, rsLun: 0, rqAddr: 0x81, rqSeq: 63, rqLun: 0, cmd: 1, data: b() }, c.encodeIpmiRequest, (x) => c.decodeIpmiRequest(x)],
  ['ipmi response', { rqAddr: 0x81, netFn: 7, rqLun: 0, rsAddr: 0x20, rqSeq: 5, rsLun: 0, cmd: 1, completionCode: 0, data: b(1, 2) }, c.encodeIpmiResponse, (x) => c.decodeIpmiResponse(x)],
  ['sol', { packetSeq: 3, ackSeq: 2, acceptedCount: 10, opStatus: 0x40, data: Buffer.from('hi') }, c.encodeSol, c.decodeSol],
  ['device id', { deviceId: 0x20, deviceRevision: 1, deviceAvailable: true, firmwareMajor: 2, firmwareMinor: 15, ipmiVersion: 0x02, additionalSupport: 0x9f, manufacturerId: 0x1291, productId: 0xf02 }, c.encodeDeviceIdResponse, c.decodeDeviceIdResponse],
  ['chassis status', { powerOn: true, powerOverload: false, powerFault: false, restorePolicy: 2, lastPowerEvent: 0, miscState: 0 }, c.encodeChassisStatusResponse, c.decodeChassisStatusResponse],
  ['chassis control', 5, c.encodeChassisControlRequest, c.decodeChassisControlRequest],
  ['boot flags', { valid: true, persistent: true, efi: true, device: 5, data2Other: 0, data3: 0, data4: 0, data5: 0 }, c.encodeBootFlags, (x) => c.decodeBootFlags(x)],
  ['set boot rq', { parameter: 5, markInvalid: false, data: b(0x80, 4, 0, 0, 0) }, c.encodeSetBootOptionsRequest, c.decodeSetBootOptionsRequest],
  ['get boot rq', { parameter: 5, setSelector: 0, blockSelector: 0 }, c.encodeGetBootOptionsRequest, c.decodeGetBootOptionsRequest],
  ['get boot rs', { version: 1, parameter: 5, invalid: false, data: b(0x80, 4, 0, 0, 0) }, c.encodeGetBootOptionsResponse, c.decodeGetBootOptionsResponse],
  ['auth cap rq', { channel: 0xe, ipmi20: true, maxPrivilege: 4 }, c.encodeChannelAuthCapRequest, c.decodeChannelAuthCapRequest],
  [
    'auth cap rs',
    { channel: 1, extended: true, authTypes: 0x15, kgNonZero: false, perMessageAuthDisabled: true, userLevelAuthDisabled: false, nonNullUsers: true, nullUsers: false, anonymousLogin: false, supportsIpmi20: true, supportsIpmi15: true, oemId: 0, oemAux: 0 },
    c.encodeChannelAuthCapResponse,
    c.decodeChannelAuthCapResponse,
  ],
  ['cipher rq', { channel: 0xe, payloadType: 0, listBySuite: true, index: 1 }, c.encodeCipherSuitesRequest, c.decodeCipherSuitesRequest],
  ['cipher rs', { channel: 1, records: b(0xc0, 3, 1, 0x41, 0x81) }, c.encodeCipherSuitesResponse, c.decodeCipherSuitesResponse],
  [
    'cipher records',
    [
      { id: 3, auth: [1], integrity: [1], confidentiality: [1] },
      { id: 17, auth: [3], integrity: [4], confidentiality: [1] },
      { id: 99, oemIana: 0x1234, auth: [0], integrity: [], confidentiality: [] },
    ],
    c.encodeCipherSuiteRecords,
    c.decodeCipherSuiteRecords,
  ],
  ['set priv rq', 4, c.encodeSetSessionPrivilegeRequest, c.decodeSetSessionPrivilegeRequest],
  ['set priv rs', 4, c.encodeSetSessionPrivilegeResponse, c.decodeSetSessionPrivilegeResponse],
  ['close session', 0x12345678, c.encodeCloseSessionRequest, c.decodeCloseSessionRequest],
  ['activate rq', { payloadType: 1, instance: 1, aux: 0xc0 }, c.encodeActivatePayloadRequest, c.decodeActivatePayloadRequest],
  ['activate rs', { aux: b(0, 0, 0, 0), inboundPayloadSize: 255, outboundPayloadSize: 255, port: 623, vlan: 0xffff }, c.encodeActivatePayloadResponse, c.decodeActivatePayloadResponse],
  ['deactivate rq', { payloadType: 1, instance: 1 }, c.encodeDeactivatePayloadRequest, c.decodeDeactivatePayloadRequest],
  ['payload status rq', 1, c.encodePayloadStatusRequest, c.decodePayloadStatusRequest],
  ['payload status rs', { capacity: 1, active: [1] }, c.encodePayloadStatusResponse, c.decodePayloadStatusResponse],
];

for (const [name, value, enc, dec] of cases) {
  test(`round trip: ${name}`, () => {
    const wire = enc(value as never);
    assert.deepEqual(dec(wire), value);
    // Every strict prefix that loses a required byte must fail with DecodeError, never anything else.
    for (let n = 0; n < wire.length; n++) {
      try {
        dec(wire.subarray(0, n));
      } catch (e) {
        assert.ok(e instanceof DecodeError, `${name} prefix ${n}: ${String(e)}`);
      }
    }
  });
}

function keysFor(suiteId: number): c.RmcpPlusKeys {
  const suite = c.CIPHER_SUITES.get(suiteId);
  assert.ok(suite);
  return c.deriveSessionKeys(suite, {
    auth: suite.auth,
    password: Buffer.from('pw'),
    consoleSessionId: 1,
    bmcSessionId: 2,
    consoleRandom: r16,
    bmcRandom: r16,
    bmcGuid: r16,
    role: 4,
    username: Buffer.from('u'),
  }).keys;
}

for (const suite of [3, 17]) {
  test(`RMCP+ encrypted + authenticated round trip, suite ${suite}, all payload lengths 0..40`, () => {
    const keys = keysFor(suite);
    for (let n = 0; n < 40; n++) {
      const pkt = { payloadType: c.PAYLOAD_SOL, encrypted: true, authenticated: true, sessionId: 0x11223344, sessionSeq: n + 1, payload: Buffer.alloc(n, n) };
      const wire = c.encodeRmcpPlus(pkt, keys);
      // Integrity-covered range (auth type .. next header) is a multiple of 4 (§13.28.4).
      const codeLen = keys.integrity?.authCodeLength ?? 0;
      assert.equal((wire.length - 4 - codeLen) % 4, 0);
      const got = c.decodeRmcpPlus(wire, keys, c.safeEqual);
      assert.deepEqual(got.payload, pkt.payload);
      assert.equal(got.sessionSeq, n + 1);
      assert.deepEqual(c.peekSession(wire), { authType: 6, payloadType: 1, sessionId: 0x11223344 });
      const tampered = Buffer.from(wire);
      tampered[20] = (tampered[20] as number) ^ 0x01;
      assert.throws(() => c.decodeRmcpPlus(tampered, keys, c.safeEqual), DecodeError);
    }
  });
}

test('IPMI message: both checksums verified, nochecksumcheck skips only chk2', () => {
  const wire = c.encodeIpmiResponse({ rqAddr: 0x81, netFn: 7, rqLun: 0, rsAddr: 0x20, rqSeq: 1, rsLun: 0, cmd: 1, completionCode: 0, data: b(9) });
  const bad2 = Buffer.from(wire);
  bad2[bad2.length - 1] = (bad2[bad2.length - 1] as number) + 1;
  assert.throws(() => c.decodeIpmiResponse(bad2), (e: unknown) => e instanceof DecodeError && e.offset === bad2.length - 1);
  assert.equal(c.decodeIpmiResponse(bad2, { verifyChk2: false }).data[0], 9);
  const bad1 = Buffer.from(wire);
  bad1[2] = (bad1[2] as number) + 1;
  assert.throws(() => c.decodeIpmiResponse(bad1, { verifyChk2: false }), (e: unknown) => e instanceof DecodeError && e.offset === 2);
});

test('completion code names, command-specific ones by command', () => {
  assert.equal(c.completionCodeName(0xd4), 'insufficient privilege level');
  assert.equal(c.completionCodeName(0x80, 0x06, 0x48), 'payload already active on another session');
  assert.equal(c.rmcpStatusName(0x11), 'no cipher suite match with proposed security algorithms');
});
