import { Reader } from '../bytes.ts';

/** Get/Set SOL Configuration Parameters (IPMI v2.0 §26.2, §26.3), netFn transport. Selectors 0..8 are standard, 192..255 OEM. */

/** Parameter revision a BMC reports with every Get (§26.3: 11h). */
export const SOL_CONFIG_REVISION = 0x11;

export const SOL_PARAM_SET_IN_PROGRESS = 0;
export const SOL_PARAM_ENABLE = 1;
export const SOL_PARAM_AUTHENTICATION = 2;
export const SOL_PARAM_ACCUMULATE = 3;
export const SOL_PARAM_RETRY = 4;
export const SOL_PARAM_NONVOLATILE_BIT_RATE = 5;
export const SOL_PARAM_VOLATILE_BIT_RATE = 6;
export const SOL_PARAM_PAYLOAD_CHANNEL = 7;
export const SOL_PARAM_PAYLOAD_PORT = 8;

/** Bit-rate codes of parameters 5 and 6 (0 = use the serial channel's setting). */
export const SOL_BIT_RATE_9600 = 0x06;
export const SOL_BIT_RATE_19200 = 0x07;
export const SOL_BIT_RATE_38400 = 0x08;
export const SOL_BIT_RATE_57600 = 0x09;
export const SOL_BIT_RATE_115200 = 0x0a;

/** One SOL configuration parameter's value, by selector. */
export type SolConfigParam =
  /** 0 = set complete, 1 = set in progress, 2 = commit write. */
  | { param: typeof SOL_PARAM_SET_IN_PROGRESS; state: number }
  | { param: typeof SOL_PARAM_ENABLE; enabled: boolean }
  | { param: typeof SOL_PARAM_AUTHENTICATION; forceEncryption: boolean; forceAuthentication: boolean; privilege: number }
  /** Interval in 5 ms units (must be non-zero), threshold in characters. */
  | { param: typeof SOL_PARAM_ACCUMULATE; interval: number; threshold: number }
  /** Count 0..7 retries, interval in 10 ms units. */
  | { param: typeof SOL_PARAM_RETRY; count: number; interval: number }
  | { param: typeof SOL_PARAM_NONVOLATILE_BIT_RATE | typeof SOL_PARAM_VOLATILE_BIT_RATE; bitRate: number }
  | { param: typeof SOL_PARAM_PAYLOAD_CHANNEL; channel: number }
  | { param: typeof SOL_PARAM_PAYLOAD_PORT; port: number };

/** Data length of each standard parameter (§26.3); undefined for reserved/OEM selectors. */
export function solConfigParamLength(param: number): number | undefined {
  return [1, 1, 1, 2, 2, 1, 1, 1, 2][param];
}

// IPMI v2.0 §26.3 parameter table: the parameter data bytes (without revision or selectors).
export function encodeSolConfigParam(p: SolConfigParam): Buffer {
  switch (p.param) {
    case SOL_PARAM_SET_IN_PROGRESS:
      return Buffer.from([p.state & 0x03]);
    case SOL_PARAM_ENABLE:
      return Buffer.from([p.enabled ? 1 : 0]);
    case SOL_PARAM_AUTHENTICATION:
      return Buffer.from([(p.forceEncryption ? 0x80 : 0) | (p.forceAuthentication ? 0x40 : 0) | (p.privilege & 0x0f)]);
    case SOL_PARAM_ACCUMULATE:
      return Buffer.from([p.interval & 0xff, p.threshold & 0xff]);
    case SOL_PARAM_RETRY:
      return Buffer.from([p.count & 0x07, p.interval & 0xff]);
    case SOL_PARAM_NONVOLATILE_BIT_RATE:
    case SOL_PARAM_VOLATILE_BIT_RATE:
      return Buffer.from([p.bitRate & 0x0f]);
    case SOL_PARAM_PAYLOAD_CHANNEL:
      return Buffer.from([p.channel & 0x0f]);
    case SOL_PARAM_PAYLOAD_PORT:
      return Buffer.from([p.port & 0xff, (p.port >> 8) & 0xff]);
  }
}

export function decodeSolConfigParam(param: number, buf: Uint8Array): SolConfigParam {
  const r = new Reader(buf, `SOL configuration parameter ${param}`);
  const need = solConfigParamLength(param);
  if (need === undefined) return r.fail('unknown parameter selector', 0);
  if (buf.length < need) r.fail(`need ${need} bytes, have ${buf.length}`, buf.length);
  switch (param) {
    case SOL_PARAM_SET_IN_PROGRESS:
      return { param, state: r.u8() & 0x03 };
    case SOL_PARAM_ENABLE:
      return { param, enabled: (r.u8() & 1) !== 0 };
    case SOL_PARAM_AUTHENTICATION: {
      const b = r.u8();
      return { param, forceEncryption: (b & 0x80) !== 0, forceAuthentication: (b & 0x40) !== 0, privilege: b & 0x0f };
    }
    case SOL_PARAM_ACCUMULATE:
      return { param, interval: r.u8(), threshold: r.u8() };
    case SOL_PARAM_RETRY:
      return { param, count: r.u8() & 0x07, interval: r.u8() };
    case SOL_PARAM_NONVOLATILE_BIT_RATE:
    case SOL_PARAM_VOLATILE_BIT_RATE:
      return { param, bitRate: r.u8() & 0x0f };
    case SOL_PARAM_PAYLOAD_CHANNEL:
      return { param, channel: r.u8() & 0x0f };
    default:
      return { param: SOL_PARAM_PAYLOAD_PORT, port: r.u16le() };
  }
}

export interface GetSolConfigRequest {
  channel: number;
  /** Bit 7 of byte 1: answer with the parameter revision only. */
  revisionOnly: boolean;
  parameter: number;
  setSelector: number;
  blockSelector: number;
}

// IPMI v2.0 §26.3 request: channel (bit 7 revision only), parameter, set selector, block selector.
export function encodeGetSolConfigRequest(m: GetSolConfigRequest): Buffer {
  return Buffer.from([(m.revisionOnly ? 0x80 : 0) | (m.channel & 0x0f), m.parameter & 0xff, m.setSelector & 0xff, m.blockSelector & 0xff]);
}

export function decodeGetSolConfigRequest(buf: Uint8Array): GetSolConfigRequest {
  const r = new Reader(buf, 'Get SOL Configuration Parameters request');
  const b = r.u8();
  return { channel: b & 0x0f, revisionOnly: (b & 0x80) !== 0, parameter: r.u8(), setSelector: r.u8(), blockSelector: r.u8() };
}

export interface GetSolConfigResponse {
  revision: number;
  /** Parameter data; empty when only the revision was asked for. */
  data: Buffer;
}

// IPMI v2.0 §26.3 response: parameter revision, parameter data.
export function encodeGetSolConfigResponse(m: GetSolConfigResponse): Buffer {
  return Buffer.concat([Buffer.from([m.revision]), m.data]);
}

export function decodeGetSolConfigResponse(buf: Uint8Array): GetSolConfigResponse {
  const r = new Reader(buf, 'Get SOL Configuration Parameters response');
  return { revision: r.u8(), data: r.rest() };
}

export interface SetSolConfigRequest {
  channel: number;
  parameter: number;
  data: Buffer;
}

// IPMI v2.0 §26.2 request: channel, parameter selector, parameter data.
export function encodeSetSolConfigRequest(m: SetSolConfigRequest): Buffer {
  return Buffer.concat([Buffer.from([m.channel & 0x0f, m.parameter & 0xff]), m.data]);
}

export function decodeSetSolConfigRequest(buf: Uint8Array): SetSolConfigRequest {
  const r = new Reader(buf, 'Set SOL Configuration Parameters request');
  const channel = r.u8() & 0x0f;
  const parameter = r.u8();
  if (r.remaining() < 1) r.fail('no parameter data');
  return { channel, parameter, data: r.rest() };
}
