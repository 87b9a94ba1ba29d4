import { Reader, u32le } from './bytes.ts';
import { RMCP_CLASS_IPMI, decodeRmcpHeader, encodeRmcpHeader } from './rmcp.ts';

/**
 * IPMI 1.5 session wrapper (IPMI v2.0 §13.6, table 13-8). rescuebox only uses it
 * sessionless (auth type NONE, session id 0) for Get Channel Authentication
 * Capabilities, which every BMC must answer before RMCP+ starts.
 */
export const AUTH_TYPE_NONE = 0x00;
export const AUTH_TYPE_MD2 = 0x01;
export const AUTH_TYPE_MD5 = 0x02;
export const AUTH_TYPE_PASSWORD = 0x04;
export const AUTH_TYPE_OEM = 0x05;
/** The "auth type" byte that says the packet is RMCP+ (IPMI 2.0). */
export const AUTH_TYPE_RMCPPLUS = 0x06;

export interface Ipmi15Packet {
  authType: number;
  sessionSeq: number;
  sessionId: number;
  /** 16 bytes when authType is not NONE. */
  authCode?: Buffer;
  /** The IPMI LAN message (see ipmi-message.ts). */
  payload: Buffer;
}

// IPMI v2.0 §13.6 table 13-8: RMCP header, auth type, seq, session id, [auth code], length, message.
export function encodeIpmi15(p: Ipmi15Packet): Buffer {
  if (p.payload.length > 255) throw new RangeError('IPMI 1.5 message longer than 255 bytes');
  const parts: Buffer[] = [encodeRmcpHeader({ messageClass: RMCP_CLASS_IPMI }), Buffer.from([p.authType]), u32le(p.sessionSeq), u32le(p.sessionId)];
  if (p.authType !== AUTH_TYPE_NONE) {
    const code = Buffer.alloc(16);
    p.authCode?.copy(code);
    parts.push(code);
  }
  parts.push(Buffer.from([p.payload.length]), p.payload);
  // Some BMCs (and ipmitool's legacy code) reject a 1.5 packet whose RMCP length is 56;
  // nothing we send is that long sessionless, so no legacy pad byte is needed.
  return Buffer.concat(parts);
}

export function decodeIpmi15(buf: Uint8Array): Ipmi15Packet {
  const h = decodeRmcpHeader(buf);
  const r = new Reader(buf, 'IPMI 1.5 session', 4);
  if (h.messageClass !== RMCP_CLASS_IPMI) r.fail('RMCP class is not IPMI', 3);
  const authType = r.u8();
  r.expect(authType, authType <= AUTH_TYPE_OEM && authType !== 0x03, 'auth type not IPMI 1.5');
  const sessionSeq = r.u32le();
  const sessionId = r.u32le();
  const authCode = authType === AUTH_TYPE_NONE ? undefined : r.bytes(16);
  const len = r.u8();
  const payload = r.bytes(len);
  return authCode ? { authType, sessionSeq, sessionId, authCode, payload } : { authType, sessionSeq, sessionId, payload };
}
