import { DecodeError } from '../../errors.ts';
import { Reader } from './bytes.ts';
import { AUTH_TYPE_RMCPPLUS } from './ipmi15.ts';
import { RMCP_CLASS_IPMI, RMCP_SEQ_NO_ACK, RMCP_VERSION, decodeRmcpHeader } from './rmcp.ts';

/** RMCP+ session header and trailer (IPMI v2.0 §13.6, table 13-8 "IPMI v2.0 RMCP+ Session Header"). */

export const PAYLOAD_IPMI = 0x00;
export const PAYLOAD_SOL = 0x01;
export const PAYLOAD_OEM = 0x02;
export const PAYLOAD_OPEN_SESSION_REQUEST = 0x10;
export const PAYLOAD_OPEN_SESSION_RESPONSE = 0x11;
export const PAYLOAD_RAKP1 = 0x12;
export const PAYLOAD_RAKP2 = 0x13;
export const PAYLOAD_RAKP3 = 0x14;
export const PAYLOAD_RAKP4 = 0x15;
/** "Next header" byte of the integrity trailer: always 0x07 (RMCP class IPMI). */
export const NEXT_HEADER = 0x07;

/** Signs the bytes from the auth type byte through "next header" (§13.28.4); returns the truncated AuthCode. */
export interface IntegrityCodec {
  readonly authCodeLength: number;
  sign(data: Uint8Array): Buffer;
}

/** Encrypts/decrypts one payload (IV included); decrypt throws DecodeError on a bad pad. */
export interface ConfidentialityCodec {
  encrypt(plain: Buffer): Buffer;
  decrypt(cipher: Buffer): Buffer;
}

export interface RmcpPlusKeys {
  integrity?: IntegrityCodec;
  confidentiality?: ConfidentialityCodec;
}

export interface RmcpPlusPacket {
  payloadType: number;
  encrypted: boolean;
  authenticated: boolean;
  /** Session id of the receiver of the packet (0 during session setup). */
  sessionId: number;
  sessionSeq: number;
  /** Plaintext payload when it was decrypted (or never encrypted); ciphertext otherwise. */
  payload: Buffer;
  oemIana?: number;
  oemPayloadId?: number;
  /** True when `payload` is still ciphertext because no confidentiality key was given. */
  stillEncrypted?: boolean;
  /** AuthCode as received, when authenticated. */
  authCode?: Buffer;
}

/** What a demultiplexer needs without keys: which session the packet belongs to. */
export interface RmcpPeek {
  authType: number;
  /** Present for RMCP+ only. */
  payloadType?: number;
  sessionId: number;
}

export function peekSession(buf: Uint8Array): RmcpPeek {
  const h = decodeRmcpHeader(buf);
  const r = new Reader(buf, 'IPMI session header', 4);
  if (h.messageClass !== RMCP_CLASS_IPMI) r.fail('RMCP class is not IPMI', 3);
  const authType = r.u8();
  if (authType !== AUTH_TYPE_RMCPPLUS) {
    r.u32le();
    return { authType, sessionId: r.u32le() };
  }
  const pt = r.u8() & 0x3f;
  if (pt === PAYLOAD_OEM) r.bytes(6);
  return { authType, payloadType: pt, sessionId: r.u32le() };
}

function headerLength(payloadType: number): number {
  // auth type, payload type, [IANA 4 + OEM id 2], session id 4, seq 4, length 2
  return payloadType === PAYLOAD_OEM ? 18 : 12;
}

// IPMI v2.0 §13.6 table 13-8 and §13.28.4 (integrity pad to a 4-byte multiple, pad length, next header, AuthCode).
// One allocation for the datagram: this runs for every packet of every session.
export function encodeRmcpPlus(
  p: Omit<RmcpPlusPacket, 'stillEncrypted' | 'authCode'>,
  keys: RmcpPlusKeys = {},
): Buffer {
  let payload = p.payload;
  if (p.encrypted) {
    if (!keys.confidentiality) throw new Error('encrypted packet without a confidentiality key');
    payload = keys.confidentiality.encrypt(payload);
  }
  if (payload.length > 0xffff) throw new RangeError('RMCP+ payload longer than 65535 bytes');
  const integrity = p.authenticated ? keys.integrity : undefined;
  if (p.authenticated && !integrity) throw new Error('authenticated packet without an integrity key');
  const bodyLen = headerLength(p.payloadType) + payload.length;
  const pad = integrity ? (4 - ((bodyLen + 2) % 4)) % 4 : 0;
  const signedEnd = 4 + bodyLen + (integrity ? pad + 2 : 0);
  const out = Buffer.allocUnsafe(signedEnd + (integrity?.authCodeLength ?? 0));
  out[0] = RMCP_VERSION;
  out[1] = 0x00;
  out[2] = RMCP_SEQ_NO_ACK;
  out[3] = RMCP_CLASS_IPMI;
  out[4] = AUTH_TYPE_RMCPPLUS;
  out[5] = (p.payloadType & 0x3f) | (p.encrypted ? 0x80 : 0) | (p.authenticated ? 0x40 : 0);
  let o = 6;
  if (p.payloadType === PAYLOAD_OEM) {
    out.writeUInt32LE((p.oemIana ?? 0) >>> 0, o);
    out.writeUInt16LE(p.oemPayloadId ?? 0, o + 4);
    o += 6;
  }
  out.writeUInt32LE(p.sessionId >>> 0, o);
  out.writeUInt32LE(p.sessionSeq >>> 0, o + 4);
  out.writeUInt16LE(payload.length, o + 8);
  o += 10;
  payload.copy(out, o);
  o += payload.length;
  if (!integrity) return out;
  out.fill(0xff, o, o + pad);
  out[o + pad] = pad;
  out[o + pad + 1] = NEXT_HEADER;
  const code = integrity.sign(out.subarray(4, signedEnd));
  if (code.length === integrity.authCodeLength) {
    code.copy(out, signedEnd);
    return out;
  }
  return Buffer.concat([out.subarray(0, signedEnd), code]); // a codec whose AuthCode length differs from what it declared
}

/**
 * Decodes one RMCP+ packet. With keys, verifies the AuthCode (constant time) and
 * decrypts; without, returns the raw payload so a BMC can look up the session first.
 */
export function decodeRmcpPlus(buf: Uint8Array, keys: RmcpPlusKeys = {}, timingSafeEqual?: (a: Uint8Array, b: Uint8Array) => boolean): RmcpPlusPacket {
  const name = 'RMCP+ session';
  const h = decodeRmcpHeader(buf);
  const r = new Reader(buf, name, 4);
  if (h.messageClass !== RMCP_CLASS_IPMI) r.fail('RMCP class is not IPMI', 3);
  r.expect(r.u8(), buf[4] === AUTH_TYPE_RMCPPLUS, 'auth type is not RMCP+ (0x06)');
  const pt = r.u8();
  const payloadType = pt & 0x3f;
  const encrypted = (pt & 0x80) !== 0;
  const authenticated = (pt & 0x40) !== 0;
  let oemIana: number | undefined;
  let oemPayloadId: number | undefined;
  if (payloadType === PAYLOAD_OEM) {
    oemIana = r.u32le();
    oemPayloadId = r.u16le();
  }
  const sessionId = r.u32le();
  const sessionSeq = r.u32le();
  const len = r.u16le();
  const payloadAt = r.offset;
  let payload = r.bytes(len);
  let authCode: Buffer | undefined;
  if (authenticated) {
    const hl = headerLength(payloadType);
    const codeLen = keys.integrity?.authCodeLength ?? r.remaining() - 2 - ((4 - ((hl + len + 2) % 4)) % 4);
    if (codeLen < 0 || r.remaining() < codeLen + 2) r.fail('integrity trailer truncated');
    const trailerEnd = buf.length - codeLen;
    const padLen = buf[trailerEnd - 2] as number;
    const next = buf[trailerEnd - 1] as number;
    if (next !== NEXT_HEADER) throw new DecodeError(name, trailerEnd - 1, `next header is not 0x07 (got 0x${next.toString(16)})`);
    if (payloadAt + len + padLen !== trailerEnd - 2) throw new DecodeError(name, trailerEnd - 2, `integrity pad length ${padLen} does not match the packet`);
    authCode = Buffer.from(buf.subarray(trailerEnd));
    if (keys.integrity) {
      const expect = keys.integrity.sign(buf.subarray(4, trailerEnd));
      const same = timingSafeEqual ? timingSafeEqual(expect, authCode) : expect.equals(authCode);
      if (!same) throw new DecodeError(name, trailerEnd, 'integrity AuthCode mismatch');
    }
  }
  // Bytes after an unauthenticated payload are ignored: some BMCs pad datagrams.
  let stillEncrypted = false;
  if (encrypted) {
    if (keys.confidentiality) payload = keys.confidentiality.decrypt(payload);
    else stillEncrypted = true;
  }
  const out: RmcpPlusPacket = { payloadType, encrypted, authenticated, sessionId, sessionSeq, payload };
  if (oemIana !== undefined) out.oemIana = oemIana;
  if (oemPayloadId !== undefined) out.oemPayloadId = oemPayloadId;
  if (stillEncrypted) out.stillEncrypted = true;
  if (authCode) out.authCode = authCode;
  return out;
}
