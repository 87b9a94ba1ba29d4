import { DecodeError } from '../../errors.ts';
import { Reader } from './bytes.ts';

/** IPMI LAN message (IPMI v2.0 §13.8, table 13-4 "IPMI LAN Message Format"). */

export const BMC_SLAVE_ADDR = 0x20;
/** Software ID 0x40 shifted, as ipmitool and FreeIPMI use for a remote console. */
export const REMOTE_CONSOLE_SWID = 0x81;

export interface IpmiRequest {
  rsAddr: number;
  netFn: number;
  rsLun: number;
  rqAddr: number;
  /** 0..63. */
  rqSeq: number;
  rqLun: number;
  cmd: number;
  data: Buffer;
}

export interface IpmiResponse {
  rqAddr: number;
  /** Odd: request netFn + 1. */
  netFn: number;
  rqLun: number;
  rsAddr: number;
  rqSeq: number;
  rsLun: number;
  cmd: number;
  completionCode: number;
  data: Buffer;
}

/** Two's-complement checksum: the covered bytes plus it sum to 0 mod 256. */
export function checksum(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s = (s + (bytes[i] as number)) & 0xff;
  return (0x100 - s) & 0xff;
}

function frame(a: number, netFnLun: number, b: number, seqLun: number, cmd: number, body: Buffer): Buffer {
  const out = Buffer.alloc(7 + body.length);
  out[0] = a;
  out[1] = netFnLun;
  out[2] = checksum(out, 0, 2);
  out[3] = b;
  out[4] = seqLun;
  out[5] = cmd;
  body.copy(out, 6);
  out[out.length - 1] = checksum(out, 3, out.length - 1);
  return out;
}

// §13.8 table 13-4, request: rsAddr, netFn/rsLUN, chk1, rqAddr, rqSeq/rqLUN, cmd, data, chk2.
export function encodeIpmiRequest(m: IpmiRequest): Buffer {
  return frame(m.rsAddr, ((m.netFn & 0x3f) << 2) | (m.rsLun & 3), m.rqAddr, ((m.rqSeq & 0x3f) << 2) | (m.rqLun & 3), m.cmd, m.data);
}

// §13.8 table 13-4, response: rqAddr, netFn/rqLUN, chk1, rsAddr, rqSeq/rsLUN, cmd, completion code, data, chk2.
export function encodeIpmiResponse(m: IpmiResponse): Buffer {
  return frame(m.rqAddr, ((m.netFn & 0x3f) << 2) | (m.rqLun & 3), m.rsAddr, ((m.rqSeq & 0x3f) << 2) | (m.rsLun & 3), m.cmd, Buffer.concat([Buffer.from([m.completionCode]), m.data]));
}

interface Framed {
  a: number;
  netFn: number;
  lunA: number;
  b: number;
  seq: number;
  lunB: number;
  cmd: number;
  body: Buffer;
}

function unframe(buf: Uint8Array, name: string, verifyChk2: boolean): Framed {
  const r = new Reader(buf, name);
  const a = r.u8();
  const nl = r.u8();
  r.u8();
  if (checksum(buf, 0, 3) !== 0) throw new DecodeError(name, 2, 'header checksum mismatch');
  const b = r.u8();
  const sl = r.u8();
  const cmd = r.u8();
  if (r.remaining() < 1) r.fail('missing data checksum');
  if (verifyChk2 && checksum(buf, 3, buf.length) !== 0) throw new DecodeError(name, buf.length - 1, 'data checksum mismatch');
  const body = r.bytes(r.remaining() - 1);
  return { a, netFn: nl >> 2, lunA: nl & 3, b, seq: sl >> 2, lunB: sl & 3, cmd, body };
}

/** `verifyChk2: false` is the `nochecksumcheck` workaround for BMCs with a broken data checksum. */
export function decodeIpmiRequest(buf: Uint8Array, opts: { verifyChk2?: boolean } = {}): IpmiRequest {
  const f = unframe(buf, 'IPMI request', opts.verifyChk2 ?? true);
  return { rsAddr: f.a, netFn: f.netFn, rsLun: f.lunA, rqAddr: f.b, rqSeq: f.seq, rqLun: f.lunB, cmd: f.cmd, data: f.body };
}

export function decodeIpmiResponse(buf: Uint8Array, opts: { verifyChk2?: boolean } = {}): IpmiResponse {
  const f = unframe(buf, 'IPMI response', opts.verifyChk2 ?? true);
  if (f.body.length < 1) throw new DecodeError('IPMI response', 6, 'missing completion code');
  return {
    rqAddr: f.a,
    netFn: f.netFn,
    rqLun: f.lunA,
    rsAddr: f.b,
    rqSeq: f.seq,
    rsLun: f.lunB,
    cmd: f.cmd,
    completionCode: f.body[0] as number,
    data: f.body.subarray(1),
  };
}
