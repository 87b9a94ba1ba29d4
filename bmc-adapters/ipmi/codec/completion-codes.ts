/** Completion codes (IPMI v2.0 §5.2 table 5-2) and RMCP+ status codes (§13.24 table 13-15), with names for errors. */

export const CC_OK = 0x00;
export const CC_NODE_BUSY = 0xc0;
export const CC_INVALID_COMMAND = 0xc1;
export const CC_REQ_DATA_LEN_INVALID = 0xc7;
export const CC_PARAM_OUT_OF_RANGE = 0xc9;
export const CC_INVALID_DATA_FIELD = 0xcc;
export const CC_INSUFFICIENT_PRIVILEGE = 0xd4;
export const CC_NOT_SUPPORTED_IN_STATE = 0xd5;
export const CC_UNSPECIFIED = 0xff;
export const CC_PAYLOAD_ALREADY_ACTIVE = 0x80; // Activate Payload
export const CC_PAYLOAD_ALREADY_DEACTIVATED = 0x80; // Deactivate Payload
export const CC_PAYLOAD_DISABLED = 0x81;
export const CC_PAYLOAD_LIMIT = 0x82;
export const CC_PAYLOAD_NO_ENCRYPTION_POSSIBLE = 0x83; // Activate Payload
export const CC_PAYLOAD_ENCRYPTION_REQUIRED = 0x84; // Activate Payload
export const CC_PRIV_NOT_AVAILABLE = 0x80; // Set Session Privilege Level
export const CC_PRIV_EXCEEDS_LIMIT = 0x81; // Set Session Privilege Level
export const CC_INVALID_SESSION_ID = 0x87; // Close Session
export const CC_PARAM_NOT_SUPPORTED = 0x80; // Get/Set System Boot Options, Get/Set SOL Configuration Parameters
export const CC_PARAM_SET_IN_PROGRESS = 0x81; // Set System Boot Options, Set SOL Configuration Parameters
export const CC_PARAM_READ_ONLY = 0x82; // Set System Boot Options, Set SOL Configuration Parameters

const generic: Record<number, string> = {
  0x00: 'success',
  0xc0: 'node busy',
  0xc1: 'invalid command',
  0xc2: 'command invalid for given LUN',
  0xc3: 'timeout while processing command',
  0xc4: 'out of space',
  0xc5: 'reservation canceled or invalid',
  0xc6: 'request data truncated',
  0xc7: 'request data length invalid',
  0xc8: 'request data field length limit exceeded',
  0xc9: 'parameter out of range',
  0xca: 'cannot return number of requested data bytes',
  0xcb: 'requested sensor, data, or record not present',
  0xcc: 'invalid data field in request',
  0xcd: 'command illegal for specified sensor or record type',
  0xce: 'command response could not be provided',
  0xcf: 'cannot execute duplicated request',
  0xd0: 'SDR repository in update mode',
  0xd1: 'device in firmware update mode',
  0xd2: 'BMC initialization in progress',
  0xd3: 'destination unavailable',
  0xd4: 'insufficient privilege level',
  0xd5: 'command not supported in present state',
  0xd6: 'command sub-function disabled or unavailable',
  0xff: 'unspecified error',
};

/** Command-specific codes 0x80..0xbe mean different things per command (netFn<<8 | cmd). */
const specific: Record<number, Record<number, string>> = {
  [(0x06 << 8) | 0x48]: {
    0x80: 'payload already active on another session',
    0x81: 'payload type is disabled',
    0x82: 'payload activation limit reached',
    0x83: 'cannot activate payload with encryption',
    0x84: 'cannot activate payload without encryption',
  },
  [(0x06 << 8) | 0x49]: { 0x80: 'payload already deactivated', 0x81: 'payload type is disabled' },
  [(0x06 << 8) | 0x3b]: { 0x80: 'requested level not available for this user', 0x81: 'requested level exceeds channel/user limit', 0x82: 'cannot disable user level authentication' },
  [(0x06 << 8) | 0x3c]: { 0x87: 'invalid session id', 0x88: 'invalid session handle' },
  [(0x00 << 8) | 0x08]: { 0x80: 'parameter not supported', 0x81: 'set in progress', 0x82: 'attempt to write read-only parameter' },
  [(0x00 << 8) | 0x09]: { 0x80: 'parameter not supported' },
  [(0x0c << 8) | 0x21]: { 0x80: 'parameter not supported', 0x81: 'set in progress', 0x82: 'attempt to write read-only parameter' },
  [(0x0c << 8) | 0x22]: { 0x80: 'parameter not supported' },
};

export function completionCodeName(cc: number, netFn?: number, cmd?: number): string {
  const g = generic[cc];
  if (g) return g;
  if (netFn !== undefined && cmd !== undefined) {
    const s = specific[((netFn & 0x3e) << 8) | cmd]?.[cc];
    if (s) return s;
  }
  return cc >= 0x80 && cc <= 0xbe ? `command-specific code 0x${cc.toString(16)}` : `code 0x${cc.toString(16)}`;
}

/** RMCP+ Open Session / RAKP status codes (§13.24 table 13-15). */
export const RAKP_OK = 0x00;
export const RAKP_INSUFFICIENT_RESOURCES = 0x01;
export const RAKP_INVALID_SESSION_ID = 0x02;
export const RAKP_INVALID_PAYLOAD_TYPE = 0x03;
export const RAKP_INVALID_AUTH_ALG = 0x04;
export const RAKP_INVALID_INTEGRITY_ALG = 0x05;
export const RAKP_INACTIVE_SESSION_ID = 0x08;
export const RAKP_INVALID_ROLE = 0x09;
export const RAKP_UNAUTHORIZED_ROLE = 0x0a;
export const RAKP_INVALID_NAME_LENGTH = 0x0c;
export const RAKP_UNAUTHORIZED_NAME = 0x0d;
export const RAKP_INVALID_INTEGRITY_CHECK = 0x0f;
export const RAKP_INVALID_CONF_ALG = 0x10;
export const RAKP_NO_CIPHER_SUITE_MATCH = 0x11;

const rmcpStatus: Record<number, string> = {
  0x00: 'no errors',
  0x01: 'insufficient resources to create a session',
  0x02: 'invalid session ID',
  0x03: 'invalid payload type',
  0x04: 'invalid authentication algorithm',
  0x05: 'invalid integrity algorithm',
  0x06: 'no matching authentication payload',
  0x07: 'no matching integrity payload',
  0x08: 'inactive session ID',
  0x09: 'invalid role',
  0x0a: 'unauthorized role or privilege level requested',
  0x0b: 'insufficient resources to create a session at the requested role',
  0x0c: 'invalid name length',
  0x0d: 'unauthorized name',
  0x0e: 'unauthorized GUID',
  0x0f: 'invalid integrity check value',
  0x10: 'invalid confidentiality algorithm',
  0x11: 'no cipher suite match with proposed security algorithms',
  0x12: 'illegal or unrecognized parameter',
};

export function rmcpStatusName(status: number): string {
  return rmcpStatus[status] ?? `status 0x${status.toString(16)}`;
}
