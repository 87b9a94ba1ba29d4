import { Reader } from '../bytes.ts';

/** System Boot Options, parameter 5 "boot flags" (IPMI v2.0 §28.13 table 28-14). */
export const BOOT_PARAM_SET_IN_PROGRESS = 0;
export const BOOT_PARAM_INFO_ACK = 4;
export const BOOT_PARAM_FLAGS = 5;

export type BootDevice = 'none' | 'pxe' | 'disk' | 'safe' | 'diag' | 'cdrom' | 'bios' | 'floppy';
const deviceCodes: Record<BootDevice, number> = { none: 0, pxe: 1, disk: 2, safe: 3, diag: 4, cdrom: 5, bios: 6, floppy: 15 };

export function bootDeviceCode(d: BootDevice): number {
  return deviceCodes[d];
}
export function bootDeviceName(code: number): BootDevice | `unknown(${number})` {
  for (const [k, v] of Object.entries(deviceCodes)) if (v === code) return k as BootDevice;
  return `unknown(${code})`;
}

export interface BootFlags {
  /** Bit 7 of data 1: the flags are valid (the BMC clears it after use unless persistent). */
  valid: boolean;
  persistent: boolean;
  efi: boolean;
  /** 4-bit device selector (bits 5:2 of data 2). */
  device: number;
  /** The rest of data 2..5 as sent, for round trips. */
  data2Other: number;
  data3: number;
  data4: number;
  data5: number;
}

export function encodeBootFlags(f: BootFlags): Buffer {
  return Buffer.from([(f.valid ? 0x80 : 0) | (f.persistent ? 0x40 : 0) | (f.efi ? 0x20 : 0), ((f.device & 0x0f) << 2) | (f.data2Other & 0xc3), f.data3, f.data4, f.data5]);
}

export function decodeBootFlags(buf: Uint8Array, messageName = 'boot flags'): BootFlags {
  const r = new Reader(buf, messageName);
  const d1 = r.u8();
  const d2 = r.u8();
  // Data 3..5 are optional in practice: some BMCs send only 2 bytes.
  const data3 = r.remaining() > 0 ? r.u8() : 0;
  const data4 = r.remaining() > 0 ? r.u8() : 0;
  const data5 = r.remaining() > 0 ? r.u8() : 0;
  return { valid: (d1 & 0x80) !== 0, persistent: (d1 & 0x40) !== 0, efi: (d1 & 0x20) !== 0, device: (d2 >> 2) & 0x0f, data2Other: d2 & 0xc3, data3, data4, data5 };
}

export interface SetBootOptionsRequest {
  parameter: number;
  /** Bit 7 of byte 1: mark the parameter invalid (locked). */
  markInvalid: boolean;
  data: Buffer;
}

// IPMI v2.0 §28.12 Set System Boot Options request: parameter valid/selector, parameter data.
export function encodeSetBootOptionsRequest(m: SetBootOptionsRequest): Buffer {
  return Buffer.concat([Buffer.from([(m.parameter & 0x7f) | (m.markInvalid ? 0x80 : 0)]), m.data]);
}

export function decodeSetBootOptionsRequest(buf: Uint8Array): SetBootOptionsRequest {
  const r = new Reader(buf, 'Set System Boot Options request');
  const p = r.u8();
  return { parameter: p & 0x7f, markInvalid: (p & 0x80) !== 0, data: r.rest() };
}

export interface GetBootOptionsRequest {
  parameter: number;
  setSelector: number;
  blockSelector: number;
}

// IPMI v2.0 §28.13 Get System Boot Options request: parameter selector, set selector, block selector.
export function encodeGetBootOptionsRequest(m: GetBootOptionsRequest): Buffer {
  return Buffer.from([m.parameter & 0x7f, m.setSelector, m.blockSelector]);
}

export function decodeGetBootOptionsRequest(buf: Uint8Array): GetBootOptionsRequest {
  const r = new Reader(buf, 'Get System Boot Options request');
  return { parameter: r.u8() & 0x7f, setSelector: r.u8(), blockSelector: r.u8() };
}

export interface GetBootOptionsResponse {
  /** Always 1 in the current spec. */
  version: number;
  parameter: number;
  /** Bit 7 of byte 2: parameter marked invalid/locked. */
  invalid: boolean;
  data: Buffer;
}

// IPMI v2.0 §28.13 response: parameter version, valid/selector, parameter data.
export function encodeGetBootOptionsResponse(m: GetBootOptionsResponse): Buffer {
  return Buffer.concat([Buffer.from([m.version, (m.parameter & 0x7f) | (m.invalid ? 0x80 : 0)]), m.data]);
}

export function decodeGetBootOptionsResponse(buf: Uint8Array): GetBootOptionsResponse {
  const r = new Reader(buf, 'Get System Boot Options response');
  const version = r.u8();
  const p = r.u8();
  return { version, parameter: p & 0x7f, invalid: (p & 0x80) !== 0, data: r.rest() };
}
