import { Reader } from './bytes.ts';

/** SOL payload (IPMI v2.0 §15.9, table 15-2 "SOL Payload Data Format"). Same 4-byte header both ways. */

// Console -> BMC operation bits (§15.9 byte 4).
export const SOL_OP_NACK = 0x40;
export const SOL_OP_RING_WOR = 0x20;
export const SOL_OP_GENERATE_BREAK = 0x10;
export const SOL_OP_CTS_PAUSE = 0x08;
export const SOL_OP_DROP_DCD_DSR = 0x04;
export const SOL_OP_FLUSH_INBOUND = 0x02;
export const SOL_OP_FLUSH_OUTBOUND = 0x01;
// BMC -> console status bits (§15.9 byte 4).
export const SOL_ST_NACK = 0x40;
export const SOL_ST_CHAR_UNAVAILABLE = 0x20;
export const SOL_ST_DEACTIVATED = 0x10;
export const SOL_ST_TX_OVERRUN = 0x08;
export const SOL_ST_BREAK = 0x04;

export interface SolPacket {
  /** 1..15; 0 = ACK-only packet carrying no data. */
  packetSeq: number;
  /** Sequence being ACKed/NACKed; 0 = this packet ACKs nothing. */
  ackSeq: number;
  /** Characters of the ACKed packet that were accepted. */
  acceptedCount: number;
  /** Operation (console->BMC) or status (BMC->console) byte. */
  opStatus: number;
  data: Buffer;
}

// IPMI v2.0 §15.9 table 15-2: packet seq, ack/nack seq, accepted count, op/status, character data.
export function encodeSol(p: SolPacket): Buffer {
  return Buffer.concat([Buffer.from([p.packetSeq & 0x0f, p.ackSeq & 0x0f, p.acceptedCount & 0xff, p.opStatus & 0xff]), p.data]);
}

export function decodeSol(buf: Uint8Array): SolPacket {
  const r = new Reader(buf, 'SOL payload');
  // Upper nibbles are reserved; BMCs leave garbage there, so mask rather than reject.
  const packetSeq = r.u8() & 0x0f;
  const ackSeq = r.u8() & 0x0f;
  const acceptedCount = r.u8();
  const opStatus = r.u8();
  return { packetSeq, ackSeq, acceptedCount, opStatus, data: r.rest() };
}
