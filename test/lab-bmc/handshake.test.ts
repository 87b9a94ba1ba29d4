import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { decodeOpenSessionResponse, encodeOpenSessionRequest } from '../../bmc-adapters/ipmi/codec/open-session.ts';
import { decodeRakp2, encodeRakp1 } from '../../bmc-adapters/ipmi/codec/rakp.ts';
import { CIPHER_SUITES } from '../../bmc-adapters/ipmi/crypto/cipher-suites.ts';
import { ManualClock } from '../../lab/bmc/clock.ts';
import { handleOpenSession, handleRakp1, type HandshakeHost } from '../../lab/bmc/ipmi/handshake.ts';
import { SessionTable } from '../../lab/bmc/ipmi/session-table.ts';
import { UserTable } from '../../lab/bmc/ipmi/users.ts';

const peer = { address: '127.0.0.1', port: 40000 };

function host(): { h: HandshakeHost; sent: Buffer[] } {
  const clock = new ManualClock();
  const sent: Buffer[] = [];
  const h: HandshakeHost = {
    sessions: new SessionTable({ clock, maxSessions: 4, idleTimeoutMs: 60_000, handshakeTimeoutMs: 5_000, random: (n) => randomBytes(n), onRemove: () => undefined }),
    users: new UserTable([{ name: 'admin', password: 'secret', privilege: 4 }]),
    guid: Buffer.alloc(16, 7),
    random: (n) => randomBytes(n),
    now: () => clock.now(),
    sendSetup: (_peer, _type, payload) => sent.push(payload),
    log: () => undefined,
  };
  return { h, sent };
}

function openSession(h: HandshakeHost, sent: Buffer[]): number {
  const suite = CIPHER_SUITES.get(17);
  assert.ok(suite);
  handleOpenSession(h, peer, encodeOpenSessionRequest({ tag: 1, maxPrivilege: 4, consoleSessionId: 0xa0a0, algorithms: suite }));
  const r = decodeOpenSessionResponse(sent.at(-1) ?? Buffer.alloc(0));
  assert.equal(r.status, 0);
  assert.ok(r.bmcSessionId);
  return r.bmcSessionId;
}

// A duplicated RAKP1 (network duplicate or a resend that crossed our RAKP2) must get the same
// RAKP2: a fresh BMC random would not match the RAKP3 the console computed from the first one.
test('lab BMC: the same RAKP1 twice gets the same RAKP2; a different one starts over', () => {
  const { h, sent } = host();
  const bmcSessionId = openSession(h, sent);
  const rakp1 = { tag: 2, bmcSessionId, consoleRandom: randomBytes(16), role: 4, username: Buffer.from('admin') };
  handleRakp1(h, peer, encodeRakp1(rakp1));
  const first = decodeRakp2(sent.at(-1) ?? Buffer.alloc(0));
  handleRakp1(h, peer, encodeRakp1(rakp1));
  const again = decodeRakp2(sent.at(-1) ?? Buffer.alloc(0));
  assert.equal(first.status, 0);
  assert.ok(first.bmcRandom && again.bmcRandom);
  assert.ok(again.bmcRandom.equals(first.bmcRandom), 'same BMC random');
  assert.ok(again.keyExchangeAuthCode?.equals(first.keyExchangeAuthCode ?? Buffer.alloc(0)), 'same auth code');

  handleRakp1(h, peer, encodeRakp1({ ...rakp1, tag: 3, consoleRandom: randomBytes(16) }));
  const restarted = decodeRakp2(sent.at(-1) ?? Buffer.alloc(0));
  assert.equal(restarted.status, 0);
  assert.ok(restarted.bmcRandom && !restarted.bmcRandom.equals(first.bmcRandom), 'a new console random gets a new BMC random');
});
