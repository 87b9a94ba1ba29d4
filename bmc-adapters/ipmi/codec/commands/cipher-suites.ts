import { DecodeError } from '../../../errors.ts';
import { Reader } from '../bytes.ts';

/** Get Channel Cipher Suites (IPMI v2.0 §22.15). Records span several 16-byte responses; the caller concatenates them. */

export interface CipherSuitesRequest {
  channel: number;
  payloadType: number;
  /** Bit 7: list by cipher suite (the form everyone uses). */
  listBySuite: boolean;
  /** 0..63: which 16-byte block of the record data. */
  index: number;
}

export interface CipherSuitesResponse {
  channel: number;
  /** Up to 16 bytes of record data; fewer means this was the last block. */
  records: Buffer;
}

export interface CipherSuiteRecord {
  id: number;
  /** Present for OEM records (tag 0xc1). */
  oemIana?: number;
  auth: number[];
  integrity: number[];
  confidentiality: number[];
}

// IPMI v2.0 §22.15 request: channel, payload type, list type/index.
export function encodeCipherSuitesRequest(m: CipherSuitesRequest): Buffer {
  return Buffer.from([m.channel & 0x0f, m.payloadType & 0x3f, (m.listBySuite ? 0x80 : 0) | (m.index & 0x3f)]);
}

export function decodeCipherSuitesRequest(buf: Uint8Array): CipherSuitesRequest {
  const r = new Reader(buf, 'Get Channel Cipher Suites request');
  const channel = r.u8() & 0x0f;
  const payloadType = r.u8() & 0x3f;
  const l = r.u8();
  return { channel, payloadType, listBySuite: (l & 0x80) !== 0, index: l & 0x3f };
}

// IPMI v2.0 §22.15 response: channel, up to 16 bytes of record data.
export function encodeCipherSuitesResponse(m: CipherSuitesResponse): Buffer {
  return Buffer.concat([Buffer.from([m.channel & 0x0f]), m.records.subarray(0, 16)]);
}

export function decodeCipherSuitesResponse(buf: Uint8Array): CipherSuitesResponse {
  const r = new Reader(buf, 'Get Channel Cipher Suites response');
  const channel = r.u8() & 0x0f;
  const records = r.rest();
  if (records.length > 16) throw new DecodeError('Get Channel Cipher Suites response', 17, 'more than 16 bytes of record data');
  return { channel, records };
}

/** Serialises records: 0xc0 id, then algorithm bytes tagged 00/01/10 in bits 7:6 (§22.15.2 table 22-19). */
export function encodeCipherSuiteRecords(recs: CipherSuiteRecord[]): Buffer {
  const out: number[] = [];
  for (const s of recs) {
    if (s.oemIana !== undefined) out.push(0xc1, s.id, s.oemIana & 0xff, (s.oemIana >> 8) & 0xff, (s.oemIana >> 16) & 0xff);
    else out.push(0xc0, s.id);
    for (const a of s.auth) out.push(a & 0x3f);
    for (const a of s.integrity) out.push(0x40 | (a & 0x3f));
    for (const a of s.confidentiality) out.push(0x80 | (a & 0x3f));
  }
  return Buffer.from(out);
}

export function decodeCipherSuiteRecords(buf: Uint8Array): CipherSuiteRecord[] {
  const r = new Reader(buf, 'cipher suite records');
  const out: CipherSuiteRecord[] = [];
  let cur: CipherSuiteRecord | undefined;
  while (r.remaining() > 0) {
    const b = r.u8();
    if (b === 0xc0 || b === 0xc1) {
      cur = { id: r.u8(), auth: [], integrity: [], confidentiality: [] };
      if (b === 0xc1) {
        const o = r.bytes(3);
        cur.oemIana = o.readUIntLE(0, 3);
      }
      out.push(cur);
      continue;
    }
    if (!cur) throw new DecodeError('cipher suite records', r.offset - 1, 'algorithm byte before any record start');
    const tag = b >> 6;
    if (tag === 0) cur.auth.push(b & 0x3f);
    else if (tag === 1) cur.integrity.push(b & 0x3f);
    else if (tag === 2) cur.confidentiality.push(b & 0x3f);
    else r.fail(`reserved record tag 0x${b.toString(16)}`, r.offset - 1);
  }
  return out;
}
