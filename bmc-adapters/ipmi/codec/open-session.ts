import { Reader, u32le } from './bytes.ts';

/** RMCP+ Open Session Request/Response (IPMI v2.0 §13.17, §13.18). */

export interface Algorithms {
  auth: number;
  integrity: number;
  confidentiality: number;
}

export interface OpenSessionRequest {
  tag: number;
  /** 0 = "highest level matching the proposed algorithms". */
  maxPrivilege: number;
  consoleSessionId: number;
  algorithms: Algorithms;
}

export interface OpenSessionResponse {
  tag: number;
  /** RMCP+ status code, 0 = success (see completion-codes.ts rmcpStatusName). */
  status: number;
  maxPrivilege: number;
  consoleSessionId: number;
  /** Absent when status is not 0 and the BMC sent the short error form. */
  bmcSessionId?: number;
  algorithms?: Algorithms;
}

// §13.17 table 13-9: a payload record is type, 2 reserved, length 8, algorithm, 3 reserved.
function algRecord(type: number, alg: number): Buffer {
  return Buffer.from([type, 0, 0, 0x08, alg & 0x3f, 0, 0, 0]);
}

function readAlg(r: Reader, type: number): number {
  const t = r.u8();
  r.expect(t, t === type, `payload record type ${type} expected`);
  r.u16le();
  // A length of 0 is legal for a "wildcard" record; we accept only the fixed 8-byte form, as BMCs send.
  const len = r.u8();
  r.expect(len, len === 8, 'payload record length is not 8');
  const alg = r.u8() & 0x3f;
  r.bytes(3);
  return alg;
}

// IPMI v2.0 §13.17 Open Session Request: tag, max priv, 2 reserved, console session id, 3 algorithm records.
export function encodeOpenSessionRequest(m: OpenSessionRequest): Buffer {
  return Buffer.concat([
    Buffer.from([m.tag, m.maxPrivilege & 0x0f, 0, 0]),
    u32le(m.consoleSessionId),
    algRecord(0, m.algorithms.auth),
    algRecord(1, m.algorithms.integrity),
    algRecord(2, m.algorithms.confidentiality),
  ]);
}

export function decodeOpenSessionRequest(buf: Uint8Array): OpenSessionRequest {
  const r = new Reader(buf, 'Open Session Request');
  const tag = r.u8();
  const maxPrivilege = r.u8() & 0x0f;
  r.u16le();
  const consoleSessionId = r.u32le();
  const auth = readAlg(r, 0);
  const integrity = readAlg(r, 1);
  const confidentiality = readAlg(r, 2);
  return { tag, maxPrivilege, consoleSessionId, algorithms: { auth, integrity, confidentiality } };
}

// IPMI v2.0 §13.18 Open Session Response: tag, status, max priv, reserved, console id, BMC id, 3 records.
export function encodeOpenSessionResponse(m: OpenSessionResponse): Buffer {
  const head = Buffer.concat([Buffer.from([m.tag, m.status, m.maxPrivilege & 0x0f, 0]), u32le(m.consoleSessionId)]);
  if (m.bmcSessionId === undefined || !m.algorithms) return head;
  return Buffer.concat([
    head,
    u32le(m.bmcSessionId),
    algRecord(0, m.algorithms.auth),
    algRecord(1, m.algorithms.integrity),
    algRecord(2, m.algorithms.confidentiality),
  ]);
}

export function decodeOpenSessionResponse(buf: Uint8Array): OpenSessionResponse {
  const r = new Reader(buf, 'Open Session Response');
  const tag = r.u8();
  const status = r.u8();
  const maxPrivilege = r.u8() & 0x0f;
  r.u8();
  const consoleSessionId = r.u32le();
  // On error the BMC may stop here (§13.18: remaining fields only on success).
  if (status !== 0 && r.remaining() < 28) return { tag, status, maxPrivilege, consoleSessionId };
  const bmcSessionId = r.u32le();
  const auth = readAlg(r, 0);
  const integrity = readAlg(r, 1);
  const confidentiality = readAlg(r, 2);
  return { tag, status, maxPrivilege, consoleSessionId, bmcSessionId, algorithms: { auth, integrity, confidentiality } };
}
