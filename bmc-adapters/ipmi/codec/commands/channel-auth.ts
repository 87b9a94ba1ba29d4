import { Reader } from '../bytes.ts';

/** Get Channel Authentication Capabilities (IPMI v2.0 §22.13). Sent sessionless, inside IPMI 1.5 framing. */

export interface ChannelAuthCapRequest {
  /** 0x0e = the channel this request arrives on. */
  channel: number;
  /** Bit 7 of byte 1: ask for IPMI v2.0 extended data. */
  ipmi20: boolean;
  maxPrivilege: number;
}

export interface ChannelAuthCap {
  channel: number;
  /** Bit 7 of byte 2: extended (v2.0) capabilities present. */
  extended: boolean;
  /** Bits 5:0 of byte 2: IPMI 1.5 auth types (bit0 none, bit1 MD2, bit2 MD5, bit4 password, bit5 OEM). */
  authTypes: number;
  kgNonZero: boolean;
  perMessageAuthDisabled: boolean;
  userLevelAuthDisabled: boolean;
  nonNullUsers: boolean;
  nullUsers: boolean;
  anonymousLogin: boolean;
  /** Byte 4 bit 1 / bit 0. */
  supportsIpmi20: boolean;
  supportsIpmi15: boolean;
  oemId: number;
  oemAux: number;
}

// IPMI v2.0 §22.13 request: channel (bit 7 = v2.0 data), requested max privilege.
export function encodeChannelAuthCapRequest(m: ChannelAuthCapRequest): Buffer {
  return Buffer.from([(m.channel & 0x0f) | (m.ipmi20 ? 0x80 : 0), m.maxPrivilege & 0x0f]);
}

export function decodeChannelAuthCapRequest(buf: Uint8Array): ChannelAuthCapRequest {
  const r = new Reader(buf, 'Get Channel Auth Capabilities request');
  const c = r.u8();
  return { channel: c & 0x0f, ipmi20: (c & 0x80) !== 0, maxPrivilege: r.u8() & 0x0f };
}

// IPMI v2.0 §22.13 response: channel, auth type support, status bits, extended caps, OEM id(3), OEM aux.
export function encodeChannelAuthCapResponse(m: ChannelAuthCap): Buffer {
  const b = Buffer.alloc(8);
  b[0] = m.channel & 0x0f;
  b[1] = (m.authTypes & 0x3f) | (m.extended ? 0x80 : 0);
  b[2] =
    (m.kgNonZero ? 0x20 : 0) |
    (m.perMessageAuthDisabled ? 0x10 : 0) |
    (m.userLevelAuthDisabled ? 0x08 : 0) |
    (m.nonNullUsers ? 0x04 : 0) |
    (m.nullUsers ? 0x02 : 0) |
    (m.anonymousLogin ? 0x01 : 0);
  b[3] = (m.supportsIpmi20 ? 0x02 : 0) | (m.supportsIpmi15 ? 0x01 : 0);
  b.writeUIntLE(m.oemId & 0xffffff, 4, 3);
  b[7] = m.oemAux;
  return b;
}

export function decodeChannelAuthCapResponse(buf: Uint8Array): ChannelAuthCap {
  const r = new Reader(buf, 'Get Channel Auth Capabilities response');
  const channel = r.u8() & 0x0f;
  const a = r.u8();
  const s = r.u8();
  const e = r.u8();
  const o = r.bytes(3);
  const oemAux = r.u8();
  return {
    channel,
    extended: (a & 0x80) !== 0,
    authTypes: a & 0x3f,
    kgNonZero: (s & 0x20) !== 0,
    perMessageAuthDisabled: (s & 0x10) !== 0,
    userLevelAuthDisabled: (s & 0x08) !== 0,
    nonNullUsers: (s & 0x04) !== 0,
    nullUsers: (s & 0x02) !== 0,
    anonymousLogin: (s & 0x01) !== 0,
    supportsIpmi20: (e & 0x02) !== 0,
    supportsIpmi15: (e & 0x01) !== 0,
    oemId: o.readUIntLE(0, 3),
    oemAux,
  };
}
