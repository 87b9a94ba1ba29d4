import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { startPyghmiBmc, type PyghmiBmc } from '../../lab/peers/pyghmi-bmc.ts';

// Client against pyghmi's BMC, a peer nobody here wrote. pyghmi answers every Open Session
// with suite 3's algorithms, reports SOL payload sizes of 1 and sends the SOL port big-endian.
const creds = { username: 'admin', password: 'pyghmi-pass-1' };
let bmc: PyghmiBmc;
let pool: UdpPool;

before(async () => {
  bmc = await startPyghmiBmc(creds);
  pool = new UdpPool({ sockets: 2, bindAddress: '127.0.0.1' });
});
after(async () => {
  await bmc?.stop();
  await pool?.close();
});

const connect = () => IpmiClient.connect({ host: '127.0.0.1', port: bmc.port, pool, cipherSuites: [3], timeoutMs: 2000, ...creds });

test('pyghmi: suite 3 login, power on/off/status, cycle, reset, soft', async () => {
  const c = await connect();
  try {
    assert.equal(c.session.suite?.id, 3);
    await c.power('on', { wait: true, timeoutMs: 30_000, pollMs: 50 });
    assert.equal(await c.powerStatus(), 'on');
    await bmc.waitFor((e) => e.event === 'power' && e.action === 'on');
    await c.power('off', { wait: true, timeoutMs: 30_000, pollMs: 50 });
    assert.equal(await c.powerStatus(), 'off');
    await c.power('cycle');
    await bmc.waitFor((e) => e.event === 'power' && e.action === 'cycle');
    await c.power('reset');
    await bmc.waitFor((e) => e.event === 'power' && e.action === 'reset');
    await c.power('soft', { wait: true, timeoutMs: 30_000, pollMs: 50 });
    assert.equal(await c.powerStatus(), 'off');
  } finally {
    await c.close();
  }
});

test('pyghmi: bootdev pxe/disk/cdrom/bios reach the BMC', async () => {
  const c = await connect();
  try {
    for (const [dev, name] of [['pxe', 'network'], ['disk', 'hd'], ['cdrom', 'optical'], ['bios', 'setup']] as const) {
      const before = bmc.events.length;
      await c.bootdev(dev, { persistent: dev === 'disk', efi: dev === 'cdrom' });
      const e = await bmc.waitFor((x) => x.event === 'bootdev' && bmc.events.indexOf(x) >= before);
      assert.equal(e.device, name);
    }
  } finally {
    await c.close();
  }
});

test('pyghmi: wrong password is E_IPMI_AUTH, suite 17 only is refused with a reason', async () => {
  await assert.rejects(IpmiClient.connect({ host: '127.0.0.1', port: bmc.port, pool, cipherSuites: [3], timeoutMs: 2000, username: 'admin', password: 'wrong' }), (e: Error & { code?: string }) => e.code === 'E_IPMI_AUTH');
  // pyghmi answers suite 17 with suite 3's algorithms: we refuse what we did not propose.
  await assert.rejects(IpmiClient.connect({ host: '127.0.0.1', port: bmc.port, pool, cipherSuites: [17], timeoutMs: 2000, ...creds }), (e: Error & { code?: string }) => e.code === 'E_IPMI_SUITE' && /other algorithms/.test(e.message));
});

test('pyghmi: SOL typing is echoed (solpayloadsize + solport workarounds)', async () => {
  const c = await connect();
  await c.power('on');
  await c.close();
  // Without the workarounds pyghmi's Activate Payload reply (payload size 1) is refused with a reason.
  const strict = new SolTransport({ host: '127.0.0.1', port: bmc.port, pool, cipherSuites: [3], timeoutMs: 2000, ...creds });
  await assert.rejects(strict.open(), (e: Error & { code?: string }) => e.code === 'E_IPMI_SOL' && /solpayloadsize/.test(e.message));
  await strict.close();
  // pyghmi answers Activate Payload before it creates its console object; a Deactivate that
  // arrives in between (the strict client refuses the reply at once) is answered "ok" but fails
  // inside pyghmi, which then stays "activated". So reclaim the instance if it says so.
  const t = new SolTransport({ host: '127.0.0.1', port: bmc.port, pool, cipherSuites: [3], timeoutMs: 2000, workarounds: ['solpayloadsize', 'solport'], steal: true, ...creds });
  let got = '';
  t.on('data', (d) => (got += d.toString('latin1')));
  await t.open();
  try {
    const line = 'echo hello from rescuebox\r\n';
    t.write(Buffer.from(line));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo, got ${JSON.stringify(got)}`)), 30_000);
      const check = () => {
        if (!got.includes(line)) return;
        clearTimeout(timer);
        t.off('data', check);
        resolve();
      };
      t.on('data', check);
      check();
    });
    await bmc.waitFor((e) => e.event === 'sol-in');
  } finally {
    await t.close();
  }
});
