import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { UdpPool, mapLimit } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';

/**
 * Power status of many BMCs through the library, in this process: one pool,
 * the CLI's fan-out (256). An unreachable BMC counts as "error", not a throw.
 */
export async function libraryPowerStatus(
  targets: { host: string; port: number }[],
  o: { username: string; password: string; cipherSuite: number },
): Promise<{ ms: number; results: string[] }> {
  const pool = new UdpPool({ sockets: 4, bindAddress: '127.0.0.1' });
  const t0 = performance.now();
  const results = await mapLimit(targets, 256, async ({ host, port }) => {
    let c: IpmiClient | undefined;
    try {
      c = await IpmiClient.connect({ host, port, username: o.username, password: o.password, cipherSuites: [o.cipherSuite], pool });
      return await c.powerStatus();
    } catch {
      return 'error';
    } finally {
      await c?.close().catch(() => undefined);
    }
  });
  const ms = performance.now() - t0;
  await pool.close();
  return { ms, results };
}
