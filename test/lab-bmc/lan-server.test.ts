import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { decodeChannelAuthCapResponse, encodeChannelAuthCapRequest } from '../../bmc-adapters/ipmi/codec/commands/channel-auth.ts';
import { CMD_ACTIVATE_PAYLOAD, CMD_GET_CHANNEL_AUTH_CAP, NETFN_APP } from '../../bmc-adapters/ipmi/codec/commands/netfn.ts';
import { encodeActivatePayloadRequest } from '../../bmc-adapters/ipmi/codec/commands/payload.ts';
import { AUTH_TYPE_NONE, decodeIpmi15, encodeIpmi15 } from '../../bmc-adapters/ipmi/codec/ipmi15.ts';
import { decodeIpmiResponse, encodeIpmiRequest } from '../../bmc-adapters/ipmi/codec/ipmi-message.ts';
import { decodeOpenSessionResponse, encodeOpenSessionRequest } from '../../bmc-adapters/ipmi/codec/open-session.ts';
import { decodeAsfPong, encodeAsfPing } from '../../bmc-adapters/ipmi/codec/rmcp.ts';
import { PAYLOAD_OPEN_SESSION_REQUEST, decodeRmcpPlus, encodeRmcpPlus } from '../../bmc-adapters/ipmi/codec/rmcpplus.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { ManualClock } from '../../lab/bmc/clock.ts';
import { FLEET_DEFAULT_USER, startFleet } from '../../lab/bmc/fleet.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';

/** The LAN server over a real loopback socket, driven by the shared codec and our client. */
const USER = { name: 'admin', password: 'srv-pw', privilege: 4 as const };

function exchange(sock: Socket, port: number, msg: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply within 2 s')), 2000);
    sock.once('message', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
    sock.send(msg, port, '127.0.0.1');
  });
}

describe('lab BMC LAN server', () => {
  const clock = new ManualClock(Date.now());
  const machine = new SimulatedMachine('srv', 'on');
  const bmc = new VirtualBmc({ machine, users: [USER], clock, ipmi: { idleTimeoutMs: 60_000 } });
  const sock = createSocket('udp4');
  const pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
  let port = 0;

  before(async () => {
    port = (await bmc.start()).ipmi;
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    sock.close();
    await pool.close();
    await bmc.stop();
  });

  test('ASF presence ping gets a pong saying IPMI is supported', async () => {
    const pong = decodeAsfPong(await exchange(sock, port, encodeAsfPing({ tag: 7 })));
    assert.equal(pong.tag, 7);
    assert.equal(pong.ipmiSupported, true);
  });

  test('Get Channel Authentication Capabilities in IPMI 1.5 framing: IPMI 2.0 only', async () => {
    const req = encodeIpmiRequest({ rsAddr: 0x20, netFn: NETFN_APP, rsLun: 0, rqAddr: 0x81, rqSeq: 1, rqLun: 0, cmd: CMD_GET_CHANNEL_AUTH_CAP, data: encodeChannelAuthCapRequest({ channel: 0x0e, ipmi20: true, maxPrivilege: 4 }) });
    const r = decodeIpmi15(await exchange(sock, port, encodeIpmi15({ authType: AUTH_TYPE_NONE, sessionSeq: 0, sessionId: 0, payload: req })));
    const rsp = decodeIpmiResponse(r.payload);
    assert.equal(rsp.completionCode, 0);
    const cap = decodeChannelAuthCapResponse(rsp.data);
    assert.equal(cap.supportsIpmi20, true);
    assert.equal(cap.supportsIpmi15, false);
    assert.equal(cap.authTypes, 0);
  });

  test('Open Session with suite 1 algorithms is refused with "no cipher suite match"', async () => {
    const payload = encodeOpenSessionRequest({ tag: 3, maxPrivilege: 4, consoleSessionId: 0x1234, algorithms: { auth: 1, integrity: 0, confidentiality: 0 } });
    const m = await exchange(sock, port, encodeRmcpPlus({ payloadType: PAYLOAD_OPEN_SESSION_REQUEST, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload }));
    const rsp = decodeOpenSessionResponse(decodeRmcpPlus(m).payload);
    assert.equal(rsp.status, 0x11);
    assert.equal(bmc.ipmi.sessionCount, 0);
  });

  test('SOL belongs to one session: a second activation gets 0x80', async () => {
    const a = await IpmiClient.connect({ host: '127.0.0.1', port, username: USER.name, password: USER.password, cipherSuites: [17], pool });
    const b = await IpmiClient.connect({ host: '127.0.0.1', port, username: USER.name, password: USER.password, cipherSuites: [3], pool });
    try {
      const req = encodeActivatePayloadRequest({ payloadType: 1, instance: 1, aux: 0xc0 });
      assert.equal((await a.session.requestRaw(NETFN_APP, CMD_ACTIVATE_PAYLOAD, req)).completionCode, 0);
      assert.equal((await b.session.requestRaw(NETFN_APP, CMD_ACTIVATE_PAYLOAD, req)).completionCode, 0x80);
    } finally {
      await a.close();
      await b.close();
    }
    assert.deepEqual(bmc.ipmi.activeSolInstances(), [], 'closing the owner frees SOL');
  });

  test('an idle session is closed after the timeout (manual clock)', async () => {
    const c = await IpmiClient.connect({ host: '127.0.0.1', port, username: USER.name, password: USER.password, cipherSuites: [17], pool, keepaliveMs: 0, timeoutMs: 200, retries: 1 });
    try {
      assert.equal(await c.powerStatus(), 'on');
      assert.equal(bmc.ipmi.sessionCount, 1);
      clock.advance(59_000);
      assert.equal(bmc.ipmi.sessionCount, 1);
      clock.advance(2_000);
      assert.equal(bmc.ipmi.sessionCount, 0);
    } finally {
      await c.close().catch(() => undefined);
    }
  });
});

describe('BMC-only fleet', () => {
  test('50 virtual BMCs in one process answer power status through one client pool', async () => {
    const fleet = await startFleet(50);
    const pool = new UdpPool({ sockets: 2, bindAddress: '127.0.0.1' });
    try {
      const got = await Promise.all(
        fleet.bmcs.map(async (b) => {
          const c = await IpmiClient.connect({ host: '127.0.0.1', port: b.ports.ipmi, username: FLEET_DEFAULT_USER.name, password: FLEET_DEFAULT_USER.password, cipherSuites: [17], pool });
          try {
            return await c.powerStatus();
          } finally {
            await c.close();
          }
        }),
      );
      assert.deepEqual(
        got,
        fleet.bmcs.map((_b, i) => (i % 2 === 0 ? 'on' : 'off')),
      );
      assert.equal(new Set(fleet.addresses).size, 50);
    } finally {
      await pool.close();
      await fleet.stop();
    }
  });
});
