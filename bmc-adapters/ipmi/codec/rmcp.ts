import { Reader } from './bytes.ts';

/** RMCP header and ASF presence ping/pong (IPMI v2.0 §13.1.3, ASF 2.0 §3.2.4). */

export const RMCP_VERSION = 0x06;
/** Sequence 0xff: "no RMCP ACK", which IPMI always uses. */
export const RMCP_SEQ_NO_ACK = 0xff;
export const RMCP_CLASS_ASF = 0x06;
export const RMCP_CLASS_IPMI = 0x07;
export const ASF_IANA = 0x000011be;
export const ASF_TYPE_PING = 0x80;
export const ASF_TYPE_PONG = 0x40;

export interface RmcpHeader {
  sequence: number;
  /** Message class, low 5 bits (bit 7 = ACK). */
  messageClass: number;
  ack: boolean;
}

// IPMI v2.0 §13.1.3: version, reserved, sequence, class.
export function encodeRmcpHeader(h: { sequence?: number; messageClass: number; ack?: boolean }): Buffer {
  return Buffer.from([RMCP_VERSION, 0x00, h.sequence ?? RMCP_SEQ_NO_ACK, (h.messageClass & 0x1f) | (h.ack ? 0x80 : 0)]);
}

export function decodeRmcpHeader(buf: Uint8Array): RmcpHeader {
  const r = new Reader(buf, 'RMCP header');
  r.expect(r.u8(), buf[0] === RMCP_VERSION, 'RMCP version is not 0x06');
  r.u8();
  const sequence = r.u8();
  const c = r.u8();
  return { sequence, messageClass: c & 0x1f, ack: (c & 0x80) !== 0 };
}

export interface AsfPing {
  tag: number;
}

export interface AsfPong {
  tag: number;
  /** IANA of the OEM, 0x11be when none. */
  oemIana: number;
  oemDefined: number;
  /** Bit 7 of supported entities: IPMI supported. */
  ipmiSupported: boolean;
  /** ASF version bits of the same byte (1 = ASF 1.0). */
  supportedEntities: number;
  supportedInteractions: number;
}

function asfHeader(type: number, tag: number, dataLen: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE(ASF_IANA, 0);
  b[4] = type;
  b[5] = tag;
  b[6] = 0;
  b[7] = dataLen;
  return b;
}

// ASF 2.0 §3.2.4.1 Presence Ping: RMCP header + IANA 4542 + type 0x80 + tag + 0 + length 0.
export function encodeAsfPing(p: AsfPing): Buffer {
  return Buffer.concat([encodeRmcpHeader({ messageClass: RMCP_CLASS_ASF }), asfHeader(ASF_TYPE_PING, p.tag, 0)]);
}

// ASF 2.0 §3.2.4.2 Presence Pong: 16 bytes of data after the ASF header.
export function encodeAsfPong(p: AsfPong): Buffer {
  const data = Buffer.alloc(16);
  data.writeUInt32BE(p.oemIana >>> 0, 0);
  data.writeUInt32BE(p.oemDefined >>> 0, 4);
  data[8] = (p.supportedEntities & 0x7f) | (p.ipmiSupported ? 0x80 : 0);
  data[9] = p.supportedInteractions;
  return Buffer.concat([encodeRmcpHeader({ messageClass: RMCP_CLASS_ASF }), asfHeader(ASF_TYPE_PONG, p.tag, 16), data]);
}

function decodeAsf(buf: Uint8Array, name: string, type: number): Reader {
  const h = decodeRmcpHeader(buf);
  const r = new Reader(buf, name, 4);
  if (h.messageClass !== RMCP_CLASS_ASF) r.fail('RMCP class is not ASF', 3);
  const iana = r.u32le();
  // IANA is big-endian on the wire; compare byte-swapped to avoid a second reader method.
  if (Buffer.from(buf.subarray(4, 8)).readUInt32BE(0) !== ASF_IANA) r.fail(`IANA 0x${iana.toString(16)} is not ASF`, 4);
  r.expect(r.u8(), buf[8] === type, `ASF message type is not 0x${type.toString(16)}`);
  return r;
}

export function decodeAsfPing(buf: Uint8Array): AsfPing {
  const r = decodeAsf(buf, 'ASF presence ping', ASF_TYPE_PING);
  const tag = r.u8();
  r.u8();
  r.u8();
  return { tag };
}

export function decodeAsfPong(buf: Uint8Array): AsfPong {
  const r = decodeAsf(buf, 'ASF presence pong', ASF_TYPE_PONG);
  const tag = r.u8();
  r.u8();
  const len = r.u8();
  r.expect(len, len >= 16, 'data length below 16');
  const d = r.bytes(16);
  const ent = d[8] as number;
  return {
    tag,
    oemIana: d.readUInt32BE(0),
    oemDefined: d.readUInt32BE(4),
    ipmiSupported: (ent & 0x80) !== 0,
    supportedEntities: ent & 0x7f,
    supportedInteractions: d[9] as number,
  };
}
