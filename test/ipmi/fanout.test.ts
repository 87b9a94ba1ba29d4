import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { forEachBmc } from '../../bmc-adapters/ipmi/fanout.ts';
import { UdpPool, mapLimit } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { FLEET_DEFAULT_USER, startFleet, type Fleet } from '../../lab/bmc/fleet.ts';

// Many BMCs at once through one pool of 2 sockets: the lab's BMC-only fleet (even-numbered
// BMCs on, odd off), plus two sessions to the same BMC sharing a socket.
let fleet: Fleet;
let pool: UdpPool;

before(async () => {
  fleet = await startFleet(120);
  pool = new UdpPool({ sockets: 2, bindAddress: '127.0.0.1' });
});
after(async () => {
  await pool?.close();
  await fleet?.stop();
});

const target = (hp: string) => ({ host: hp.slice(0, hp.lastIndexOf(':')), port: Number(hp.slice(hp.lastIndexOf(':') + 1)) });

test('120 BMCs, fan-out 32, 2 sockets: every status right, no socket per BMC', async () => {
  let inFlight = 0;
  let peak = 0;
  const got = await mapLimit(fleet.addresses, 32, async (hp) => {
    peak = Math.max(peak, ++inFlight);
    const c = await IpmiClient.connect({ ...target(hp), pool, username: FLEET_DEFAULT_USER.name, password: FLEET_DEFAULT_USER.password, keepaliveMs: 0 });
    try {
      return await c.powerStatus();
    } finally {
      await c.close();
      inFlight--;
    }
  });
  assert.deepEqual(got, fleet.addresses.map((_, i) => (i % 2 === 0 ? 'on' : 'off')));
  assert.ok(peak <= 32);
  assert.equal(pool.stats.unrouted, 0);
});

test('two concurrent sessions to the same BMC over one pool are kept apart', async () => {
  const o = { ...target(fleet.addresses[0]!), pool, username: FLEET_DEFAULT_USER.name, password: FLEET_DEFAULT_USER.password, keepaliveMs: 0 };
  const [a, b] = await Promise.all([IpmiClient.connect(o), IpmiClient.connect(o)]);
  try {
    assert.notEqual(a.session.consoleSessionId, b.session.consoleSessionId);
    const [x, y] = await Promise.all([a.mcInfo(), b.powerStatus()]);
    assert.equal(typeof x.manufacturerId, 'number');
    assert.equal(y, 'on');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('forEachBmc (what --hosts runs): results in input order, an unreachable BMC as a value, every Close Session delivered unawaited', async () => {
  const some = fleet.addresses.slice(0, 40).map(target);
  const dead = { host: '127.0.0.1', port: 9 };
  const settled: number[] = [];
  const got = await forEachBmc([...some, dead], { username: FLEET_DEFAULT_USER.name, password: FLEET_DEFAULT_USER.password, timeoutMs: 100, retries: 0 }, (c) => c.powerStatus(), {
    fanout: 8,
    bindAddress: '127.0.0.1',
    onSettled: (i) => settled.push(i),
  });
  assert.deepEqual(
    got.slice(0, -1).map((r) => (r.ok ? r.value : r.error.message)),
    some.map((_, i) => (i % 2 === 0 ? 'on' : 'off')),
  );
  const last = got.at(-1);
  assert.ok(last && !last.ok && /no answer/.test(last.error.message));
  assert.equal(settled.length, some.length + 1);
  // The replies were not awaited, but the requests went out: each BMC frees its session.
  const open = () => fleet.bmcs.slice(0, 40).reduce((n, b) => n + b.ipmi.sessionCount, 0);
  for (let i = 0; i < 100 && open() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(open(), 0);
});
