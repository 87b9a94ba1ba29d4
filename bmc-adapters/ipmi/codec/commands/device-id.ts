import { Reader } from '../bytes.ts';

export interface DeviceId {
  deviceId: number;
  deviceRevision: number;
  /** Bit 7 of the firmware byte: device busy (firmware update / init). */
  deviceAvailable: boolean;
  firmwareMajor: number;
  /** BCD in the wire format, decoded to a number (0x15 -> 15). */
  firmwareMinor: number;
  /** e.g. 0x51 = 1.5, 0x02 = 2.0. */
  ipmiVersion: number;
  additionalSupport: number;
  manufacturerId: number;
  productId: number;
  auxFirmware?: Buffer;
}

function bcd(b: number): number {
  return (b >> 4) * 10 + (b & 0x0f);
}

// IPMI v2.0 §20.1 Get Device ID response: id, rev, fw major, fw minor (BCD), IPMI version, support, mfr(3), product(2), [aux(4)].
export function encodeDeviceIdResponse(d: DeviceId): Buffer {
  const b = Buffer.alloc(11);
  b[0] = d.deviceId;
  b[1] = d.deviceRevision & 0x8f;
  b[2] = (d.firmwareMajor & 0x7f) | (d.deviceAvailable ? 0 : 0x80);
  b[3] = (Math.floor(d.firmwareMinor / 10) << 4) | d.firmwareMinor % 10;
  b[4] = d.ipmiVersion;
  b[5] = d.additionalSupport;
  b.writeUIntLE(d.manufacturerId & 0xfffff, 6, 3);
  b.writeUInt16LE(d.productId & 0xffff, 9);
  return d.auxFirmware ? Buffer.concat([b, d.auxFirmware.subarray(0, 4)]) : b;
}

export function decodeDeviceIdResponse(buf: Uint8Array): DeviceId {
  const r = new Reader(buf, 'Get Device ID response');
  const deviceId = r.u8();
  const deviceRevision = r.u8() & 0x0f;
  const fw = r.u8();
  const firmwareMinor = bcd(r.u8());
  const ipmiVersion = r.u8();
  const additionalSupport = r.u8();
  const m = r.bytes(3);
  const manufacturerId = (m[0] as number) | ((m[1] as number) << 8) | (((m[2] as number) & 0x0f) << 16);
  const productId = r.u16le();
  const out: DeviceId = { deviceId, deviceRevision, deviceAvailable: (fw & 0x80) === 0, firmwareMajor: fw & 0x7f, firmwareMinor, ipmiVersion, additionalSupport, manufacturerId, productId };
  if (r.remaining() > 0) out.auxFirmware = r.rest();
  return out;
}
