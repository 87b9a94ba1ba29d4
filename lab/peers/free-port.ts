import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * Hands out a loopback port that is free for both UDP and TCP right now. Peers like
 * ipmi_sim silently share a taken port, so tests must pick ports themselves; the
 * process-wide set keeps parallel helpers from handing out the same one twice.
 */
const handedOut = new Set<number>();

async function tryUdp(port: number): Promise<number> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function tryTcp(port: number): Promise<boolean> {
  const srv = createServer();
  return new Promise((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await tryUdp(0);
    if (handedOut.has(p)) continue;
    if (!(await tryTcp(p))) continue;
    handedOut.add(p);
    return p;
  }
  throw new Error('no free loopback port found');
}
