import assert from 'node:assert/strict';
import * as c from '../../../bmc-adapters/ipmi/codec/index.ts';
import { DecodeError } from '../../../bmc-adapters/errors.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';

/**
 * Mutation fuzzer over every decoder: valid seeds, then bit flips, byte overwrites,
 * truncations, extensions, insertions and deletions from a seeded PRNG (reproducible).
 * The only acceptable failure is DecodeError; a hang would blow the test's time budget.
 */
export function mutate(seed: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(seed);
  const ops = 1 + Math.floor(rnd() * 4);
  let out = b;
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(rnd() * (out.length + 1));
    switch (Math.floor(rnd() * 6)) {
      case 0:
        if (out.length) out[at % out.length] = (out[at % out.length] as number) ^ (1 << Math.floor(rnd() * 8));
        break;
      case 1:
        if (out.length) out[at % out.length] = Math.floor(rnd() * 256);
        break;
      case 2:
        out = out.subarray(0, at);
        break;
      case 3:
        out = Buffer.concat([out, Buffer.from(Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256)))]);
        break;
      case 4:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([Math.floor(rnd() * 256)]), out.subarray(at)]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    }
  }
  return out;
}

const r16 = Buffer.alloc(16, 1);
const suite17 = c.CIPHER_SUITES.get(17)!;
const keys = c.deriveSessionKeys(suite17, { auth: suite17.auth, password: Buffer.from('pw'), consoleSessionId: 1, bmcSessionId: 2, consoleRandom: r16, bmcRandom: r16, bmcGuid: r16, role: 4, username: Buffer.from('u') }).keys;

export const targets: [string, (b: Buffer) => unknown, Buffer][] = [
  ['rmcp header', c.decodeRmcpHeader, c.encodeRmcpHeader({ messageClass: 7 })],
  ['asf ping', c.decodeAsfPing, c.encodeAsfPing({ tag: 1 })],
  ['asf pong', c.decodeAsfPong, c.encodeAsfPong({ tag: 1, oemIana: 0x11be, oemDefined: 0, ipmiSupported: true, supportedEntities: 1, supportedInteractions: 0 })],
  ['ipmi15', c.decodeIpmi15, c.encodeIpmi15({ authType: 0, sessionSeq: 0, sessionId: 0, payload: Buffer.from([0x20, 0x18, 0xc8, 0x81, 0x04, 0x38, 0x8e, 0x04, 0xb5]) })],
  ['peek', c.peekSession, c.encodeRmcpPlus({ payloadType: 0, encrypted: false, authenticated: false, sessionId: 5, sessionSeq: 1, payload: Buffer.alloc(7) })],
  ['rmcp+ plain', (b) => c.decodeRmcpPlus(b), c.encodeRmcpPlus({ payloadType: 0x11, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload: Buffer.alloc(36) })],
  ['rmcp+ keyed', (b) => c.decodeRmcpPlus(b, keys, c.safeEqual), c.encodeRmcpPlus({ payloadType: 1, encrypted: true, authenticated: true, sessionId: 9, sessionSeq: 3, payload: Buffer.from('hello') }, keys)],
  ['rmcp+ oem', (b) => c.decodeRmcpPlus(b), c.encodeRmcpPlus({ payloadType: 2, oemIana: 7, oemPayloadId: 1, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload: Buffer.alloc(3) })],
  ['aes', (b) => c.aesCbcDecrypt(Buffer.alloc(16, 3), b), c.aesCbcEncrypt(Buffer.alloc(16, 3), Buffer.from('payload'), Buffer.alloc(16))],
  ['open rq', c.decodeOpenSessionRequest, c.encodeOpenSessionRequest({ tag: 1, maxPrivilege: 4, consoleSessionId: 1, algorithms: { auth: 3, integrity: 4, confidentiality: 1 } })],
  ['open rs', c.decodeOpenSessionResponse, c.encodeOpenSessionResponse({ tag: 1, status: 0, maxPrivilege: 4, consoleSessionId: 1, bmcSessionId: 2, algorithms: { auth: 3, integrity: 4, confidentiality: 1 } })],
  ['rakp1', c.decodeRakp1, c.encodeRakp1({ tag: 1, bmcSessionId: 2, consoleRandom: r16, role: 0x14, username: Buffer.from('admin') })],
  ['rakp2', c.decodeRakp2, c.encodeRakp2({ tag: 1, status: 0, consoleSessionId: 1, bmcRandom: r16, bmcGuid: r16, keyExchangeAuthCode: Buffer.alloc(32) })],
  ['rakp3', c.decodeRakp3, c.encodeRakp3({ tag: 1, status: 0, bmcSessionId: 2, keyExchangeAuthCode: Buffer.alloc(32) })],
  ['rakp4', c.decodeRakp4, c.encodeRakp4({ tag: 1, status: 0, consoleSessionId: 1, integrityCheckValue: Buffer.alloc(16) })],
  ['ipmi rq', (b) => c.decodeIpmiRequest(b), c.encodeIpmiRequest({ rsAddr: 0x20, netFn: 0, rsLun: 0, rqAddr: 0x81, rqSeq: 1, rqLun: 0, cmd: 2, data: Buffer.from([1]) })],
  ['ipmi rs', (b) => c.decodeIpmiResponse(b), c.encodeIpmiResponse({ rqAddr: 0x81, netFn: 7, rqLun: 0, rsAddr: 0x20, rqSeq: 1, rsLun: 0, cmd: 1, completionCode: 0, data: Buffer.alloc(11) })],
  ['sol', c.decodeSol, c.encodeSol({ packetSeq: 1, ackSeq: 0, acceptedCount: 0, opStatus: 0, data: Buffer.from('x') })],
  ['device id', c.decodeDeviceIdResponse, c.encodeDeviceIdResponse({ deviceId: 1, deviceRevision: 1, deviceAvailable: true, firmwareMajor: 1, firmwareMinor: 1, ipmiVersion: 2, additionalSupport: 0, manufacturerId: 1, productId: 1 })],
  ['chassis status', c.decodeChassisStatusResponse, c.encodeChassisStatusResponse({ powerOn: true, powerOverload: false, powerFault: false, restorePolicy: 0, lastPowerEvent: 0, miscState: 0, frontPanel: 0 })],
  ['chassis control', c.decodeChassisControlRequest, c.encodeChassisControlRequest(1)],
  ['boot flags', (b) => c.decodeBootFlags(b), c.encodeBootFlags({ valid: true, persistent: false, efi: true, device: 1, data2Other: 0, data3: 0, data4: 0, data5: 0 })],
  ['set boot', c.decodeSetBootOptionsRequest, c.encodeSetBootOptionsRequest({ parameter: 5, markInvalid: false, data: Buffer.alloc(5) })],
  ['get boot rq', c.decodeGetBootOptionsRequest, c.encodeGetBootOptionsRequest({ parameter: 5, setSelector: 0, blockSelector: 0 })],
  ['get boot rs', c.decodeGetBootOptionsResponse, c.encodeGetBootOptionsResponse({ version: 1, parameter: 5, invalid: false, data: Buffer.alloc(5) })],
  ['auth cap rq', c.decodeChannelAuthCapRequest, c.encodeChannelAuthCapRequest({ channel: 14, ipmi20: true, maxPrivilege: 4 })],
  ['auth cap rs', c.decodeChannelAuthCapResponse, Buffer.from([1, 0x94, 0x04, 0x03, 0, 0, 0, 0])],
  ['cipher rq', c.decodeCipherSuitesRequest, c.encodeCipherSuitesRequest({ channel: 14, payloadType: 0, listBySuite: true, index: 0 })],
  ['cipher rs', c.decodeCipherSuitesResponse, Buffer.from([1, 0xc0, 3, 1, 0x41, 0x81, 0xc0, 17, 3, 0x44, 0x81])],
  ['cipher records', c.decodeCipherSuiteRecords, Buffer.from([0xc0, 3, 1, 0x41, 0x81, 0xc1, 5, 1, 2, 3, 0])],
  ['set priv', c.decodeSetSessionPrivilegeResponse, Buffer.from([4])],
  ['close', c.decodeCloseSessionRequest, c.encodeCloseSessionRequest(5)],
  ['activate rq', c.decodeActivatePayloadRequest, c.encodeActivatePayloadRequest({ payloadType: 1, instance: 1, aux: 0xc0 })],
  ['activate rs', c.decodeActivatePayloadResponse, c.encodeActivatePayloadResponse({ aux: Buffer.alloc(4), inboundPayloadSize: 255, outboundPayloadSize: 255, port: 623, vlan: 0xffff })],
  ['deactivate', c.decodeDeactivatePayloadRequest, c.encodeDeactivatePayloadRequest({ payloadType: 1, instance: 1 })],
  ['payload status', c.decodePayloadStatusResponse, c.encodePayloadStatusResponse({ capacity: 1, active: [1] })],
  ['instance info', c.decodePayloadInstanceInfoResponse, c.encodePayloadInstanceInfoResponse({ sessionId: 9, info: Buffer.alloc(8) })],
];

/** Returns how many inputs ran; throws on anything but DecodeError. */
export function fuzz(perTarget: number, seed = 0xc0ffee): number {
  const rnd = seededRandom(seed);
  let n = 0;
  for (const [name, decode, s] of targets) {
    decode(s); // the seed itself must decode
    for (let i = 0; i < perTarget; i++) {
      const input = mutate(s, rnd);
      n++;
      try {
        decode(input);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`${name}: ${String(e)} on ${input.toString('hex')}`, { cause: e });
        assert.equal(typeof e.offset, 'number');
      }
    }
  }
  return n;
}

