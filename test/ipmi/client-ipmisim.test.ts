import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import type { TransportStateEvent } from '../../bmc-adapters/console-transport.ts';
import { startIpmiSim, type IpmiSim } from '../../lab/peers/ipmi-sim.ts';
import { startTelnetEcho, type TelnetEcho } from '../../lab/peers/telnet-echo.ts';

// Client against OpenIPMI's ipmi_sim (suite 3 only), power through its chassis_control
// program, SOL bridged to a telnet echo server standing in for the machine's serial port.
const creds = { username: 'admin', password: 'sim-pass-42' };
let sim: IpmiSim;
let echo: TelnetEcho;
let pool: UdpPool;

before(async () => {
  echo = await startTelnetEcho();
  sim = await startIpmiSim({ ...creds, solTelnetPort: echo.port });
  pool = new UdpPool({ sockets: 2, bindAddress: '127.0.0.1' });
});
after(async () => {
  await pool?.close();
  await sim?.stop();
  await echo?.close();
});

const opts = () => ({ host: '127.0.0.1', port: sim.port, pool, cipherSuites: [3], timeoutMs: 2000, ...creds });

/** Resolves when `pred` holds, polling a cheap local condition; rejects at the deadline. */
async function until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

function waitState(t: SolTransport, state: TransportStateEvent['state'], timeoutMs = 5000): Promise<TransportStateEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${t.description} never reached ${state}`)), timeoutMs);
    const on = (e: TransportStateEvent) => {
      if (e.state !== state) return;
      clearTimeout(timer);
      t.off('state', on);
      resolve(e);
    };
    t.on('state', on);
  });
}

test('ipmi_sim: suite 17 is refused, so [17, 3] falls back to 3', async () => {
  const c = await IpmiClient.connect({ ...opts(), cipherSuites: [17, 3] });
  assert.equal(c.session.suite?.id, 3);
  await c.close();
});

test('ipmi_sim: mc info, cipher suite listing, power on/off/cycle/reset/soft', async () => {
  const c = await IpmiClient.connect(opts());
  try {
    const id = await c.mcInfo();
    assert.equal(id.manufacturerId, 0x1291);
    assert.equal(id.productId, 0xf02);
    const suites = await c.cipherSuites();
    assert.ok(suites.some((s) => s.id === 3));
    await c.power('on', { wait: true, timeoutMs: 5000, pollMs: 50 });
    assert.equal(await c.powerStatus(), 'on');
    await c.power('off', { wait: true, timeoutMs: 5000, pollMs: 50 });
    assert.equal(await c.powerStatus(), 'off');
    await c.power('cycle');
    // ipmi_sim powers back on by itself one second after a cycle.
    await c.power('on', { wait: true, timeoutMs: 5000, pollMs: 50 });
    await c.power('reset');
    await c.power('soft', { wait: true, timeoutMs: 5000, pollMs: 50 });
    const acts = sim.actions();
    for (const a of ['power 1', 'power 0', 'reset 1', 'shutdown 1']) assert.ok(acts.includes(a), `${a} in ${acts.join(',')}`);
  } finally {
    await c.close();
  }
});

test('ipmi_sim: bootdev pxe, disk, cdrom, bios', async () => {
  const c = await IpmiClient.connect(opts());
  try {
    for (const dev of ['pxe', 'cdrom', 'bios'] as const) {
      await c.bootdev(dev, { efi: dev === 'cdrom' });
      assert.equal((await c.getBootdev()).device, dev);
    }
    // ipmi_sim's boot map has no "disk": its program gets the number; the request itself must succeed.
    await c.bootdev('disk', { persistent: true });
  } finally {
    await c.close();
  }
});

test('ipmi_sim: SOL typing is echoed by the machine, machine output arrives, steal + takeover detection', async () => {
  const t1 = new SolTransport({ ...opts(), statusCheckMs: 200, reconnect: { initialMs: 60000, maxMs: 60000 } });
  let got = '';
  t1.on('data', (d) => (got += d.toString('latin1')));
  await t1.open();
  try {
    t1.write(Buffer.from('typed line\r\n'));
    await until(() => got.includes('typed line\r\n'), 'echo of typed line');
    echo.print('login: ');
    await until(() => got.includes('login: '), 'machine output');
    // A second console without steal is refused with a reason; with steal it takes over.
    const t2 = new SolTransport({ ...opts() });
    await assert.rejects(t2.open(), (e: Error & { code?: string }) => e.code === 'E_IPMI_SOL' && /in use by another session/.test(e.message));
    await t2.close();
    const lost = waitState(t1, 'reconnecting');
    const t3 = new SolTransport({ ...opts(), steal: true });
    await t3.open();
    const ev = await lost;
    assert.match(ev.reason ?? '', /SOL|session/);
    let got3 = '';
    t3.on('data', (d) => (got3 += d.toString('latin1')));
    t3.write(Buffer.from('second\r\n'));
    await until(() => got3.includes('second\r\n'), 'echo on the stealing console');
    await t3.close();
  } finally {
    await t1.close();
  }
});
