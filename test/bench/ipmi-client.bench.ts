import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { startIpmiSim } from '../../lab/peers/ipmi-sim.ts';
import { startTelnetEcho } from '../../lab/peers/telnet-echo.ts';
import { fuzz } from '../ipmi/helpers/fuzz.ts';
import type { BenchRow } from './types.ts';

/**
 * IPMI client benchmarks against third-party peers: SOL throughput against OpenIPMI's ipmi_sim
 * and the decoder fuzzing rate. Power status of 200/1000 BMCs (our CLI against ipmipower in the
 * same run, library figures as secondary rows) and session setup against ipmitool live in one
 * place only: ipmi-fleet.bench.ts.
 */
const area = 'ipmi-client';

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // SOL throughput at ipmi_sim's maximum payload, typed bytes echoed by a telnet server.
  const echo = await startTelnetEcho();
  const sim = await startIpmiSim({ username: 'admin', password: 'bench-pw', solTelnetPort: echo.port });
  const pool = new UdpPool({ bindAddress: '127.0.0.1' });
  try {
    const t = new SolTransport({ host: '127.0.0.1', port: sim.port, pool, username: 'admin', password: 'bench-pw', cipherSuites: [3], statusCheckMs: 0 });
    await t.open();
    const total = 64 * 1024;
    let got = 0;
    const t1 = performance.now();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SOL echo incomplete: ${got}/${total}`)), 60000);
      t.on('data', (d) => {
        got += d.length;
        if (got >= total) {
          clearTimeout(timer);
          resolve();
        }
      });
      t.write(Buffer.alloc(total, 0x61));
    });
    const s = (performance.now() - t1) / 1000;
    rows.push({ area, metric: 'SOL throughput, typed + echoed (ipmi_sim, suite 3)', value: Math.round(total / 1024 / s), unit: 'KiB/s', note: `${total} bytes each way, ${t.stats.packetsOut} packets out` });
    await t.close();
  } finally {
    await pool.close();
    await sim.stop();
    await echo.close();
  }
  const f0 = performance.now();
  const n = fuzz(30000, 7);
  rows.push({ area, metric: 'decoder fuzzing rate', value: Math.round(n / ((performance.now() - f0) / 1000)), unit: 'inputs/s', note: `${n} mutated inputs, only DecodeError` });
  return rows;
}
