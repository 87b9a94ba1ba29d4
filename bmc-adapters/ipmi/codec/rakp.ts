import { Reader, u32le } from './bytes.ts';

/** RAKP messages 1-4 (IPMI v2.0 §13.20-§13.23). AuthCode lengths depend on the suite, so decoders take the rest. */

export interface Rakp1 {
  tag: number;
  bmcSessionId: number;
  /** 16 bytes. */
  consoleRandom: Buffer;
  /** Whole role byte: bits 3:0 privilege, bit 4 = name-only lookup. It enters the HMACs as sent. */
  role: number;
  /** 0..16 bytes. */
  username: Buffer;
}

export interface Rakp2 {
  tag: number;
  status: number;
  consoleSessionId: number;
  /** Absent in the short error form. */
  bmcRandom?: Buffer;
  bmcGuid?: Buffer;
  keyExchangeAuthCode?: Buffer;
}

export interface Rakp3 {
  tag: number;
  status: number;
  bmcSessionId: number;
  keyExchangeAuthCode: Buffer;
}

export interface Rakp4 {
  tag: number;
  status: number;
  consoleSessionId: number;
  integrityCheckValue: Buffer;
}

// IPMI v2.0 §13.20 RAKP Message 1: tag, 3 reserved, BMC session id, Rm(16), role, 2 reserved, name length, name.
export function encodeRakp1(m: Rakp1): Buffer {
  if (m.consoleRandom.length !== 16) throw new RangeError('RAKP1 random must be 16 bytes');
  if (m.username.length > 16) throw new RangeError('IPMI user names are at most 16 bytes');
  return Buffer.concat([Buffer.from([m.tag, 0, 0, 0]), u32le(m.bmcSessionId), m.consoleRandom, Buffer.from([m.role, 0, 0, m.username.length]), m.username]);
}

export function decodeRakp1(buf: Uint8Array): Rakp1 {
  const r = new Reader(buf, 'RAKP Message 1');
  const tag = r.u8();
  r.bytes(3);
  const bmcSessionId = r.u32le();
  const consoleRandom = r.bytes(16);
  const role = r.u8();
  r.u16le();
  const len = r.u8();
  r.expect(len, len <= 16, 'user name longer than 16');
  const username = r.bytes(len);
  return { tag, bmcSessionId, consoleRandom, role, username };
}

// IPMI v2.0 §13.21 RAKP Message 2: tag, status, 2 reserved, console session id, Rc(16), GUID(16), AuthCode.
export function encodeRakp2(m: Rakp2): Buffer {
  const head = Buffer.concat([Buffer.from([m.tag, m.status, 0, 0]), u32le(m.consoleSessionId)]);
  if (!m.bmcRandom || !m.bmcGuid) return head;
  return Buffer.concat([head, m.bmcRandom, m.bmcGuid, m.keyExchangeAuthCode ?? Buffer.alloc(0)]);
}

export function decodeRakp2(buf: Uint8Array): Rakp2 {
  const r = new Reader(buf, 'RAKP Message 2');
  const tag = r.u8();
  const status = r.u8();
  r.u16le();
  const consoleSessionId = r.u32le();
  if (status !== 0 && r.remaining() < 32) return { tag, status, consoleSessionId };
  const bmcRandom = r.bytes(16);
  const bmcGuid = r.bytes(16);
  return { tag, status, consoleSessionId, bmcRandom, bmcGuid, keyExchangeAuthCode: r.rest() };
}

// IPMI v2.0 §13.22 RAKP Message 3: tag, status, 2 reserved, BMC session id, AuthCode.
export function encodeRakp3(m: Rakp3): Buffer {
  return Buffer.concat([Buffer.from([m.tag, m.status, 0, 0]), u32le(m.bmcSessionId), m.keyExchangeAuthCode]);
}

export function decodeRakp3(buf: Uint8Array): Rakp3 {
  const r = new Reader(buf, 'RAKP Message 3');
  const tag = r.u8();
  const status = r.u8();
  r.u16le();
  const bmcSessionId = r.u32le();
  return { tag, status, bmcSessionId, keyExchangeAuthCode: r.rest() };
}

// IPMI v2.0 §13.23 RAKP Message 4: tag, status, 2 reserved, console session id, integrity check value.
export function encodeRakp4(m: Rakp4): Buffer {
  return Buffer.concat([Buffer.from([m.tag, m.status, 0, 0]), u32le(m.consoleSessionId), m.integrityCheckValue]);
}

export function decodeRakp4(buf: Uint8Array): Rakp4 {
  const r = new Reader(buf, 'RAKP Message 4');
  const tag = r.u8();
  const status = r.u8();
  r.u16le();
  const consoleSessionId = r.u32le();
  return { tag, status, consoleSessionId, integrityCheckValue: r.rest() };
}
