import { decodeOpenSessionResponse, encodeOpenSessionRequest, type OpenSessionResponse } from '../codec/open-session.ts';
import { decodeRakp2, decodeRakp4, encodeRakp1, encodeRakp3 } from '../codec/rakp.ts';
import { RAKP_INVALID_NAME_LENGTH, RAKP_UNAUTHORIZED_NAME, rmcpStatusName } from '../codec/completion-codes.ts';
import { PAYLOAD_OPEN_SESSION_REQUEST, PAYLOAD_OPEN_SESSION_RESPONSE, PAYLOAD_RAKP1, PAYLOAD_RAKP2, PAYLOAD_RAKP3, PAYLOAD_RAKP4, type RmcpPlusKeys } from '../codec/rmcpplus.ts';
import { CIPHER_SUITES, type CipherSuite } from '../crypto/cipher-suites.ts';
import { rakp2AuthCode, rakp3AuthCode, rakp4Icv, safeEqual, type RakpInputs } from '../crypto/rakp-crypto.ts';
import { deriveSessionKeys } from '../crypto/session-keys.ts';
import { IpmiError } from './errors.ts';
import type { IpmiSession } from './session.ts';

/** RMCP+ statuses that mean "not this suite", so the next proposal is tried (§13.24). */
const SUITE_REFUSED = new Set([0x03, 0x04, 0x05, 0x06, 0x07, 0x10, 0x11]);

export interface HandshakeResult {
  suite: CipherSuite;
  bmcSessionId: number;
  keys: RmcpPlusKeys;
}

/** The suites we may propose, in the operator's order, refusing insecure ones unless allowed. */
export function proposals(s: IpmiSession): CipherSuite[] {
  const out: CipherSuite[] = [];
  for (const id of s.opts.suites) {
    const c = CIPHER_SUITES.get(id);
    if (!c || !c.implemented) throw new IpmiError('E_IPMI_SUITE', `cipher suite ${id} is not implemented (rescuebox speaks 0-3 and 15-17)`);
    if (!c.secure && !s.opts.allowInsecure) {
      throw new IpmiError('E_IPMI_INSECURE', `cipher suite ${id} lacks ${c.auth === 0 ? 'authentication, ' : ''}${c.integrity === 0 ? 'integrity, ' : ''}${c.confidentiality === 0 ? 'encryption' : ''}: anyone on the network could read or forge the session; set allowInsecure to use it anyway`);
    }
    out.push(c);
  }
  if (out.length === 0) throw new IpmiError('E_IPMI_SUITE', 'no cipher suite to propose');
  return out;
}

/** Get Channel Auth Capabilities once per session object: it must at least claim IPMI 2.0. */
export async function checkAuthCap(s: IpmiSession): Promise<void> {
  if (s.authCap) return;
  const cap = await s.getChannelAuthCap();
  if (cap.extended && cap.supportsIpmi20) return;
  if (s.has('authcap') || s.opts.allowInsecure) {
    s.emit('warning', 'BMC claims no IPMI 2.0 support; trying RMCP+ anyway (authcap workaround / allowInsecure)');
    return;
  }
  throw new IpmiError(
    'E_IPMI_INSECURE',
    'BMC does not report IPMI 2.0 (RMCP+) support: IPMI 1.5 sessions have no encryption and at best MD5 authentication, and rescuebox does not speak them; if the BMC mis-reports, use the authcap workaround',
  );
}

async function exchange(s: IpmiSession, sendType: number, payload: Buffer, recvType: number, tag: number, what: string): Promise<Buffer> {
  const sid = s.consoleSessionId;
  // Responses carry our tag and our console session id at offset 4 (§13.18, §13.21, §13.23).
  const w = s.wait(
    (p) => p.kind === 'setup' && p.payloadType === recvType && p.payload[0] === tag && p.payload.length >= 8 && p.payload.readUInt32LE(4) === sid,
    s.opts.timeoutMs,
    what,
  );
  s.sendSetup(sendType, payload);
  const p = await w.promise;
  if (p.kind !== 'setup') throw new Error('unreachable');
  return p.payload;
}

/** One attempt of Open Session -> RAKP1..4 (IPMI v2.0 §13.17-§13.23). Any timeout propagates so the caller restarts it all. */
export async function runHandshake(s: IpmiSession): Promise<HandshakeResult> {
  const o = s.opts;
  const sid = s.renewConsoleSessionId();
  const refusals: string[] = [];
  let chosen: CipherSuite | undefined;
  let osr: OpenSessionResponse | undefined;
  for (const suite of proposals(s)) {
    const tag = s.nextTag();
    const algorithms = { auth: suite.auth, integrity: suite.integrity, confidentiality: suite.confidentiality };
    let raw: Buffer;
    try {
      raw = await exchange(s, PAYLOAD_OPEN_SESSION_REQUEST, encodeOpenSessionRequest({ tag, maxPrivilege: o.privilege, consoleSessionId: sid, algorithms }), PAYLOAD_OPEN_SESSION_RESPONSE, tag, 'Open Session Request');
    } catch (e) {
      // Some BMCs (ipmi_sim) ignore a suite they lack instead of answering 0x11: try the next one,
      // and only if every suite went unanswered does the timeout restart the handshake.
      if (e instanceof IpmiError && e.code === 'E_IPMI_TIMEOUT' && refusals.length + 1 < proposals(s).length) {
        refusals.push(`suite ${suite.id}: no answer`);
        continue;
      }
      throw e;
    }
    const r = decodeOpenSessionResponse(raw);
    if (r.status !== 0) {
      if (SUITE_REFUSED.has(r.status)) {
        refusals.push(`suite ${suite.id}: ${rmcpStatusName(r.status)}`);
        continue;
      }
      throw new IpmiError('E_IPMI_RMCP_STATUS', `Open Session refused: ${rmcpStatusName(r.status)}`);
    }
    const a = r.algorithms;
    if (!a || a.auth !== suite.auth || a.integrity !== suite.integrity || a.confidentiality !== suite.confidentiality) {
      throw new IpmiError('E_IPMI_SUITE', `BMC answered suite ${suite.id} with other algorithms (auth ${a?.auth}, integrity ${a?.integrity}, confidentiality ${a?.confidentiality}); refusing what we did not propose`);
    }
    if (r.maxPrivilege < o.privilege && !s.has('opensesspriv')) {
      throw new IpmiError('E_IPMI_PRIVILEGE', `Open Session Response grants maximum privilege ${r.maxPrivilege}, below the requested ${o.privilege} (OpenIPMI's ipmi_sim always says 0: workaround opensesspriv)`);
    }
    chosen = suite;
    osr = r;
    break;
  }
  if (!chosen || !osr || osr.bmcSessionId === undefined) {
    throw new IpmiError('E_IPMI_SUITE', `BMC refused every proposed cipher suite (${refusals.join('; ')})${o.allowInsecure ? '' : '; suites without integrity and AES are refused unless allowInsecure is set'}`);
  }
  const bmcSessionId = osr.bmcSessionId;
  const role = (o.privilege & 0x0f) | (o.nameOnlyLookup ? 0x10 : 0);
  const consoleRandom = o.random(16);
  let tag = s.nextTag();
  const r2 = decodeRakp2(await exchange(s, PAYLOAD_RAKP1, encodeRakp1({ tag, bmcSessionId, consoleRandom, role, username: o.username }), PAYLOAD_RAKP2, tag, 'RAKP Message 1'));
  if (r2.status !== 0 || !r2.bmcRandom || !r2.bmcGuid || !r2.keyExchangeAuthCode) {
    const why = rmcpStatusName(r2.status);
    throw new IpmiError(r2.status === RAKP_UNAUTHORIZED_NAME || r2.status === RAKP_INVALID_NAME_LENGTH ? 'E_IPMI_AUTH' : 'E_IPMI_RMCP_STATUS', `RAKP2: ${why} (user "${o.username.toString()}")`);
  }
  const inputs: RakpInputs = { auth: chosen.auth, password: o.password, consoleSessionId: sid, bmcSessionId, consoleRandom, bmcRandom: r2.bmcRandom, bmcGuid: r2.bmcGuid, role, username: o.username };
  if (o.kg) inputs.kg = o.kg;
  tag = s.nextTag();
  if (!safeEqual(rakp2AuthCode(inputs), r2.keyExchangeAuthCode)) {
    // Tell the BMC so it frees the half-open session at once (§13.22 status in RAKP3).
    s.sendSetup(PAYLOAD_RAKP3, encodeRakp3({ tag, status: 0x0f, bmcSessionId, keyExchangeAuthCode: Buffer.alloc(0) }));
    throw new IpmiError('E_IPMI_AUTH', `wrong password for user "${o.username.toString()}" (RAKP2 HMAC mismatch)`);
  }
  const r4 = decodeRakp4(await exchange(s, PAYLOAD_RAKP3, encodeRakp3({ tag, status: 0, bmcSessionId, keyExchangeAuthCode: rakp3AuthCode(inputs) }), PAYLOAD_RAKP4, tag, 'RAKP Message 3'));
  if (r4.status !== 0) throw new IpmiError(r4.status === 0x0f ? 'E_IPMI_AUTH' : 'E_IPMI_RMCP_STATUS', `RAKP4: ${rmcpStatusName(r4.status)}`);
  const km = deriveSessionKeys(chosen, inputs, { checkPad: !s.has('aespad') });
  if (!s.has('integritycheckvalue') && !safeEqual(rakp4Icv(inputs, km.sik), r4.integrityCheckValue)) {
    throw new IpmiError('E_IPMI_AUTH', 'RAKP4 integrity check value mismatch: wrong Kg (BMC key), or a BMC needing the integritycheckvalue workaround');
  }
  return { suite: chosen, bmcSessionId, keys: km.keys };
}
