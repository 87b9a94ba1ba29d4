import { Reader } from '../bytes.ts';

export interface ChassisStatus {
  powerOn: boolean;
  powerOverload: boolean;
  powerFault: boolean;
  /** Bits 6:5 of current power state: 0 stay off, 1 restore, 2 always on, 3 unknown. */
  restorePolicy: number;
  lastPowerEvent: number;
  miscState: number;
  frontPanel?: number;
}

// IPMI v2.0 §28.2 Get Chassis Status response: current power state, last event, misc state, [front panel].
export function encodeChassisStatusResponse(s: ChassisStatus): Buffer {
  const b = Buffer.from([(s.powerOn ? 1 : 0) | (s.powerOverload ? 2 : 0) | (s.powerFault ? 8 : 0) | ((s.restorePolicy & 3) << 5), s.lastPowerEvent, s.miscState]);
  return s.frontPanel === undefined ? b : Buffer.concat([b, Buffer.from([s.frontPanel])]);
}

export function decodeChassisStatusResponse(buf: Uint8Array): ChassisStatus {
  const r = new Reader(buf, 'Get Chassis Status response');
  const p = r.u8();
  const lastPowerEvent = r.u8();
  const miscState = r.u8();
  const out: ChassisStatus = { powerOn: (p & 1) !== 0, powerOverload: (p & 2) !== 0, powerFault: (p & 8) !== 0, restorePolicy: (p >> 5) & 3, lastPowerEvent, miscState };
  if (r.remaining() > 0) out.frontPanel = r.u8();
  return out;
}

export const CHASSIS_POWER_DOWN = 0;
export const CHASSIS_POWER_UP = 1;
export const CHASSIS_POWER_CYCLE = 2;
export const CHASSIS_HARD_RESET = 3;
export const CHASSIS_PULSE_DIAG = 4; // NMI
export const CHASSIS_SOFT_SHUTDOWN = 5; // ACPI power button

// IPMI v2.0 §28.3 Chassis Control request: one byte, control in bits 3:0. The response has no data.
export function encodeChassisControlRequest(control: number): Buffer {
  return Buffer.from([control & 0x0f]);
}

export function decodeChassisControlRequest(buf: Uint8Array): number {
  const r = new Reader(buf, 'Chassis Control request');
  const c = r.u8() & 0x0f;
  r.expect(c, c <= 5, 'chassis control out of range');
  return c;
}
