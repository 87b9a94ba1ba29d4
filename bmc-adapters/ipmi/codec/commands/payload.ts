import { Reader } from '../bytes.ts';

/** Activate / Deactivate Payload (IPMI v2.0 §24.1, §24.2) and Get Payload Activation Status (§24.4). */

export interface ActivatePayloadRequest {
  payloadType: number;
  /** 1..15; SOL normally uses instance 1. */
  instance: number;
  /** Aux byte 1 (§24.1 table 24-2): bit7 encrypt, bit6 authenticate, bits 3:2 alerts, bit1 no DCD/DSR deassert... */
  aux: number;
}

export const SOL_AUX_ENCRYPT = 0x80;
export const SOL_AUX_AUTHENTICATE = 0x40;
/** Bits 3:2 = 01: defer serial/modem alerts while SOL is active (what ipmitool sends). */
export const SOL_AUX_ALERTS_DEFERRED = 0x08;

export interface ActivatePayloadResponse {
  aux: Buffer;
  /** Maximum payload the BMC accepts from us (the console). */
  inboundPayloadSize: number;
  /** Maximum payload the BMC sends. */
  outboundPayloadSize: number;
  port: number;
  /** 0xffff = no VLAN. */
  vlan: number;
}

// §24.1 request: payload type, instance, aux data (4 bytes).
export function encodeActivatePayloadRequest(m: ActivatePayloadRequest): Buffer {
  return Buffer.from([m.payloadType & 0x3f, m.instance & 0x0f, m.aux, 0, 0, 0]);
}
export function decodeActivatePayloadRequest(buf: Uint8Array): ActivatePayloadRequest {
  const r = new Reader(buf, 'Activate Payload request');
  const payloadType = r.u8() & 0x3f;
  const instance = r.u8() & 0x0f;
  const aux = r.u8();
  r.bytes(3);
  return { payloadType, instance, aux };
}

// §24.1 response: aux(4), inbound size(2), outbound size(2), UDP port(2), VLAN(2) - all little-endian.
export function encodeActivatePayloadResponse(m: ActivatePayloadResponse): Buffer {
  const b = Buffer.alloc(12);
  m.aux.copy(b, 0, 0, 4);
  b.writeUInt16LE(m.inboundPayloadSize, 4);
  b.writeUInt16LE(m.outboundPayloadSize, 6);
  b.writeUInt16LE(m.port, 8);
  b.writeUInt16LE(m.vlan, 10);
  return b;
}
export function decodeActivatePayloadResponse(buf: Uint8Array): ActivatePayloadResponse {
  const r = new Reader(buf, 'Activate Payload response');
  const aux = r.bytes(4);
  const inboundPayloadSize = r.u16le();
  const outboundPayloadSize = r.u16le();
  const port = r.u16le();
  // VLAN is missing on some older BMCs; absent means "none".
  const vlan = r.remaining() >= 2 ? r.u16le() : 0xffff;
  return { aux, inboundPayloadSize, outboundPayloadSize, port, vlan };
}

export interface DeactivatePayloadRequest {
  payloadType: number;
  instance: number;
}

// §24.2 request: payload type, instance, aux data (4 bytes, zero). The response has no data.
export function encodeDeactivatePayloadRequest(m: DeactivatePayloadRequest): Buffer {
  return Buffer.from([m.payloadType & 0x3f, m.instance & 0x0f, 0, 0, 0, 0]);
}
export function decodeDeactivatePayloadRequest(buf: Uint8Array): DeactivatePayloadRequest {
  const r = new Reader(buf, 'Deactivate Payload request');
  const payloadType = r.u8() & 0x3f;
  const instance = r.u8() & 0x0f;
  // The aux bytes are required by the spec but some consoles omit them; accept either.
  return { payloadType, instance };
}

// §24.4 request: payload type.
export function encodePayloadStatusRequest(payloadType: number): Buffer {
  return Buffer.from([payloadType & 0x3f]);
}
export function decodePayloadStatusRequest(buf: Uint8Array): number {
  return new Reader(buf, 'Get Payload Activation Status request').u8() & 0x3f;
}

export interface PayloadStatus {
  /** Number of instances the BMC supports (bits 3:0). */
  capacity: number;
  /** Active instance numbers (1-based). */
  active: number[];
}

// §24.4 response: instance capacity, 2 bytes of activation bitmap (bit0 = instance 1).
export function encodePayloadStatusResponse(m: PayloadStatus): Buffer {
  let bits = 0;
  for (const i of m.active) if (i >= 1 && i <= 16) bits |= 1 << (i - 1);
  return Buffer.from([m.capacity & 0x0f, bits & 0xff, (bits >> 8) & 0xff]);
}
export function decodePayloadStatusResponse(buf: Uint8Array): PayloadStatus {
  const r = new Reader(buf, 'Get Payload Activation Status response');
  const capacity = r.u8() & 0x0f;
  const bits = r.u16le();
  const active: number[] = [];
  for (let i = 0; i < 16; i++) if (bits & (1 << i)) active.push(i + 1);
  return { capacity, active };
}

export interface PayloadInstanceInfo {
  /** Session id of the session the instance is active on (0 = not active). */
  sessionId: number;
  /** 8 bytes of payload-specific info (SOL: byte 0 = serial port number). */
  info: Buffer;
}

// §24.5 Get Payload Instance Info request: payload type, instance.
export function encodePayloadInstanceInfoRequest(m: DeactivatePayloadRequest): Buffer {
  return Buffer.from([m.payloadType & 0x3f, m.instance & 0x0f]);
}
export function decodePayloadInstanceInfoRequest(buf: Uint8Array): DeactivatePayloadRequest {
  const r = new Reader(buf, 'Get Payload Instance Info request');
  return { payloadType: r.u8() & 0x3f, instance: r.u8() & 0x0f };
}

// §24.5 response: session id (4, LS byte first), 8 bytes of instance info.
export function encodePayloadInstanceInfoResponse(m: PayloadInstanceInfo): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(m.sessionId >>> 0, 0);
  m.info.copy(b, 4, 0, 8);
  return b;
}
export function decodePayloadInstanceInfoResponse(buf: Uint8Array): PayloadInstanceInfo {
  const r = new Reader(buf, 'Get Payload Instance Info response');
  const sessionId = r.u32le();
  // Only the session id matters to us; tolerate BMCs that send fewer than 8 info bytes.
  return { sessionId, info: r.rest() };
}
