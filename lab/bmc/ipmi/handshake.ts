import { decodeOpenSessionRequest, encodeOpenSessionResponse } from '../../../bmc-adapters/ipmi/codec/open-session.ts';
import { decodeRakp1, decodeRakp3, encodeRakp2, encodeRakp4 } from '../../../bmc-adapters/ipmi/codec/rakp.ts';
import { PAYLOAD_OPEN_SESSION_RESPONSE, PAYLOAD_RAKP2, PAYLOAD_RAKP4 } from '../../../bmc-adapters/ipmi/codec/rmcpplus.ts';
import { rakp2AuthCode, rakp3AuthCode, rakp4Icv, safeEqual, type RakpInputs } from '../../../bmc-adapters/ipmi/crypto/rakp-crypto.ts';
import { deriveSessionKeys } from '../../../bmc-adapters/ipmi/crypto/session-keys.ts';
import { PRIV_ADMIN, PRIV_USER } from '../../../bmc-adapters/ipmi/codec/commands/netfn.ts';
import {
  RAKP_INSUFFICIENT_RESOURCES,
  RAKP_INVALID_INTEGRITY_CHECK,
  RAKP_INVALID_ROLE,
  RAKP_INVALID_SESSION_ID,
  RAKP_NO_CIPHER_SUITE_MATCH,
  RAKP_OK,
  RAKP_UNAUTHORIZED_NAME,
  RAKP_UNAUTHORIZED_ROLE,
} from '../../../bmc-adapters/ipmi/codec/completion-codes.ts';
import { LAB_CIPHER_SUITES, type Privilege } from './constants.ts';
import { BmcSession, type Peer } from './session.ts';
import type { SessionTable } from './session-table.ts';
import { UserTable } from './users.ts';

/**
 * The BMC side of RMCP+ session establishment (IPMI v2.0 §13.17-§13.23):
 * Open Session → RAKP 1/2 → RAKP 3/4. Decoding and the key arithmetic are
 * the shared codec and crypto; this file holds the BMC's decisions (which
 * suite, which user, which privilege) and the session state changes.
 */
export interface HandshakeHost {
  sessions: SessionTable;
  users: UserTable;
  guid: Buffer;
  random(n: number): Buffer;
  now(): number;
  /** Sends an unauthenticated setup payload (session id 0, sequence 0). */
  sendSetup(peer: Peer, payloadType: number, payload: Buffer): void;
  log(event: string, detail: Record<string, unknown>): void;
}

function samePeer(a: Peer, b: Peer): boolean {
  return a.address === b.address && a.port === b.port;
}

export function handleOpenSession(h: HandshakeHost, peer: Peer, payload: Buffer): void {
  const req = decodeOpenSessionRequest(payload);
  const reply = (status: number, s?: BmcSession): void =>
    h.sendSetup(
      peer,
      PAYLOAD_OPEN_SESSION_RESPONSE,
      encodeOpenSessionResponse(
        s
          ? { tag: req.tag, status, maxPrivilege: s.requestedMaxPriv, consoleSessionId: req.consoleSessionId, bmcSessionId: s.bmcId, algorithms: req.algorithms }
          : { tag: req.tag, status, maxPrivilege: 0, consoleSessionId: req.consoleSessionId },
      ),
    );
  const a = req.algorithms;
  const suite = LAB_CIPHER_SUITES.find((c) => c.auth === a.auth && c.integrity === a.integrity && c.confidentiality === a.confidentiality);
  if (!suite) {
    h.log('open-session refused', { peer, algorithms: a });
    reply(RAKP_NO_CIPHER_SUITE_MATCH);
    return;
  }
  if (req.maxPrivilege > PRIV_ADMIN) {
    reply(RAKP_INVALID_ROLE);
    return;
  }
  // A retransmitted request (our response was lost) gets the same session back.
  for (const s of h.sessions.values()) {
    if (s.state === 'opened' && s.consoleId === req.consoleSessionId && s.openTag === req.tag && samePeer(s.peer, peer)) {
      reply(RAKP_OK, s);
      return;
    }
  }
  const s = new BmcSession(h.sessions.newId(), req.consoleSessionId, suite, peer, {
    // 0 asks for "the highest level the suite allows": all of ours allow administrator.
    requestedMaxPriv: req.maxPrivilege === 0 ? PRIV_ADMIN : req.maxPrivilege,
    openTag: req.tag,
    now: h.now(),
  });
  if (!h.sessions.add(s)) {
    reply(RAKP_INSUFFICIENT_RESOURCES);
    return;
  }
  reply(RAKP_OK, s);
}

function inputs(s: BmcSession, password: Buffer): RakpInputs {
  return {
    auth: s.suite.auth,
    password,
    consoleSessionId: s.consoleId,
    bmcSessionId: s.bmcId,
    consoleRandom: s.consoleRandom ?? Buffer.alloc(16),
    bmcRandom: s.bmcRandom ?? Buffer.alloc(16),
    bmcGuid: Buffer.alloc(0),
    role: s.role,
    username: s.username,
  };
}

export function handleRakp1(h: HandshakeHost, peer: Peer, payload: Buffer): void {
  const m = decodeRakp1(payload);
  const s = h.sessions.get(m.bmcSessionId);
  const fail = (status: number, consoleId: number): void => h.sendSetup(peer, PAYLOAD_RAKP2, encodeRakp2({ tag: m.tag, status, consoleSessionId: consoleId }));
  if (!s || !samePeer(s.peer, peer) || s.state === 'active') {
    fail(RAKP_INVALID_SESSION_ID, 0);
    return;
  }
  const name = m.username.toString('utf8');
  const user = h.users.find(name);
  const wanted = m.role & 0x0f;
  if (!user) {
    h.log('rakp unknown user', { peer, name });
    fail(RAKP_UNAUTHORIZED_NAME, s.consoleId);
    h.sessions.remove(s.bmcId, 'unknown user');
    return;
  }
  if (wanted < 1 || wanted > PRIV_ADMIN) {
    fail(RAKP_INVALID_ROLE, s.consoleId);
    h.sessions.remove(s.bmcId, 'invalid role');
    return;
  }
  if (wanted > user.privilege || wanted > s.requestedMaxPriv) {
    h.log('rakp role refused', { peer, name, wanted, allowed: user.privilege });
    fail(RAKP_UNAUTHORIZED_ROLE, s.consoleId);
    h.sessions.remove(s.bmcId, 'unauthorized role');
    return;
  }
  // The same RAKP1 again (a resend or a network duplicate) gets the same RAKP2: a fresh Rc
  // would not match the RAKP2 the console may already be answering. A different one restarts.
  const repeat = s.state === 'rakp2-sent' && s.role === m.role && !!s.consoleRandom?.equals(m.consoleRandom) && s.username.equals(m.username);
  s.user = user;
  s.role = m.role;
  s.username = m.username;
  s.consoleRandom = m.consoleRandom;
  if (!repeat || !s.bmcRandom) s.bmcRandom = h.random(16);
  s.maxPriv = wanted as Privilege;
  s.state = 'rakp2-sent';
  h.sessions.touch(s);
  const i = { ...inputs(s, UserTable.key(user)), bmcGuid: h.guid };
  h.sendSetup(
    peer,
    PAYLOAD_RAKP2,
    encodeRakp2({ tag: m.tag, status: RAKP_OK, consoleSessionId: s.consoleId, bmcRandom: s.bmcRandom, bmcGuid: h.guid, keyExchangeAuthCode: rakp2AuthCode(i) }),
  );
}

export function handleRakp3(h: HandshakeHost, peer: Peer, payload: Buffer): void {
  const m = decodeRakp3(payload);
  const s = h.sessions.get(m.bmcSessionId);
  if (!s || !samePeer(s.peer, peer) || !s.user || s.state === 'opened') {
    h.sendSetup(peer, PAYLOAD_RAKP4, encodeRakp4({ tag: m.tag, status: RAKP_INVALID_SESSION_ID, consoleSessionId: s?.consoleId ?? 0, integrityCheckValue: Buffer.alloc(0) }));
    return;
  }
  if (m.status !== RAKP_OK) {
    // The console gave up (bad RAKP2 AuthCode = wrong password on its side).
    h.sessions.remove(s.bmcId, `console sent RAKP3 status 0x${m.status.toString(16)}`);
    return;
  }
  const i = { ...inputs(s, UserTable.key(s.user)), bmcGuid: h.guid };
  if (!safeEqual(m.keyExchangeAuthCode, rakp3AuthCode(i))) {
    h.log('rakp3 auth code mismatch', { peer, user: s.user.name });
    h.sendSetup(peer, PAYLOAD_RAKP4, encodeRakp4({ tag: m.tag, status: RAKP_INVALID_INTEGRITY_CHECK, consoleSessionId: s.consoleId, integrityCheckValue: Buffer.alloc(0) }));
    h.sessions.remove(s.bmcId, 'wrong password');
    return;
  }
  if (s.state !== 'active') {
    const km = deriveSessionKeys(s.suite, i);
    s.sik = km.sik;
    s.keys = km.keys;
    s.state = 'active';
    // §13.14: an RMCP+ session starts at User level (or lower); Set Session Privilege raises it.
    s.privilege = Math.min(PRIV_USER, s.maxPriv) as Privilege;
  }
  h.sessions.touch(s);
  // A repeated RAKP3 (our RAKP4 was lost) gets the same RAKP4 again.
  h.sendSetup(peer, PAYLOAD_RAKP4, encodeRakp4({ tag: m.tag, status: RAKP_OK, consoleSessionId: s.consoleId, integrityCheckValue: rakp4Icv(i, s.sik ?? Buffer.alloc(0)) }));
}
