import { Reader, u32le } from '../bytes.ts';

/** Set Session Privilege Level (IPMI v2.0 §22.18) and Close Session (§22.19). */

// §22.18 request: requested privilege (0 = only return the present level).
export function encodeSetSessionPrivilegeRequest(privilege: number): Buffer {
  return Buffer.from([privilege & 0x0f]);
}
export function decodeSetSessionPrivilegeRequest(buf: Uint8Array): number {
  return new Reader(buf, 'Set Session Privilege Level request').u8() & 0x0f;
}
// §22.18 response: new privilege level.
export function encodeSetSessionPrivilegeResponse(privilege: number): Buffer {
  return Buffer.from([privilege & 0x0f]);
}
export function decodeSetSessionPrivilegeResponse(buf: Uint8Array): number {
  return new Reader(buf, 'Set Session Privilege Level response').u8() & 0x0f;
}

// §22.19 request: session id (the BMC's id of the session to close); the response has no data.
export function encodeCloseSessionRequest(bmcSessionId: number): Buffer {
  return u32le(bmcSessionId);
}
export function decodeCloseSessionRequest(buf: Uint8Array): number {
  return new Reader(buf, 'Close Session request').u32le();
}
