import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { startIpmiSim, type IpmiSim } from '../../lab/peers/ipmi-sim.ts';
import { startTelnetEcho, type TelnetEcho } from '../../lab/peers/telnet-echo.ts';
import { startLossyRelay, type LossyRelay } from '../helpers/lossy-relay.ts';

// SOL through a relay that drops, duplicates and reorders 10% of the datagrams each way
// (seeded, so reproducible): what we type must come back from the machine byte-exact.
const creds = { username: 'admin', password: 'loss-pass' };
let sim: IpmiSim;
let echo: TelnetEcho;
let relay: LossyRelay;
let pool: UdpPool;

before(async () => {
  echo = await startTelnetEcho();
  sim = await startIpmiSim({ ...creds, solTelnetPort: echo.port });
  relay = await startLossyRelay({ target: { host: '127.0.0.1', port: sim.port }, drop: 0.034, duplicate: 0.033, reorder: 0.033, seed: Number(process.env.RB_LOSS_SEED ?? 20261126) });
  pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
});
after(async () => {
  await pool?.close();
  await relay?.close();
  await sim?.stop();
  await echo?.close();
});

test('SOL under 10% loss/duplication/reordering: the echoed stream is byte-exact', { timeout: 60000 }, async () => {
  // The relay translates the port (like NAT), so ipmi_sim's SOL port is not ours: solport.
  const t = new SolTransport({ host: '127.0.0.1', port: relay.port, pool, cipherSuites: [3], timeoutMs: 300, retransmitMs: 150, maxRetransmits: 10, statusCheckMs: 0, workarounds: ['solport'], ...creds });
  let got = '';
  const notes: string[] = [];
  t.on('data', (d) => (got += d.toString('latin1')));
  t.on('warning', (w) => notes.push(w));
  t.on('state', (e) => notes.push(`${e.state} ${e.reason ?? ''}`));
  await t.open();
  try {
    let sent = '';
    for (let i = 0; i < 40; i++) {
      const line = `line ${String(i).padStart(3, '0')} ${'abcdefghijklmnopqrstuvwxyz'.slice(0, 10 + (i % 16))}\r\n`;
      sent += line;
      t.write(Buffer.from(line));
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`incomplete: ${got.length}/${sent.length} bytes; relay saw ${relay.packets.length} packets; ${JSON.stringify(t.stats)}; ${notes.slice(-5).join(' | ')}`)), 45000);
      const check = () => {
        if (got.length < sent.length) return;
        clearTimeout(timer);
        t.off('data', check);
        resolve();
      };
      t.on('data', check);
      check();
    });
    if (got !== sent) {
      let i = 0;
      while (got[i] === sent[i]) i++;
      assert.fail(`differs at ${i}: got ${JSON.stringify(got.slice(i - 10, i + 40))} want ${JSON.stringify(sent.slice(i - 10, i + 40))}; ${JSON.stringify(t.stats)}; ${notes.slice(-5).join(' | ')}`);
    }
    assert.equal(echo.received().toString('latin1'), sent);
  } finally {
    await t.close();
  }
});
