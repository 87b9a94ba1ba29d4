import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';

/**
 * Free loopback ports for lab services. A port is probed by binding it and
 * released at once, so someone may take it before our user binds it. To make
 * that unlikely, ports are drawn at random from below the kernel's ephemeral
 * range: outgoing connections (and everybody's `listen(0)`) take ports from
 * inside that range and can never steal ours. Falls back to port 0 (the kernel's choice).
 */
const MIN_PORT = 10_000;
const ATTEMPTS = 40;

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

function candidates(): number[] {
  const high = ephemeralLow() - 1;
  const out: number[] = [];
  if (high - MIN_PORT >= 1000) {
    for (let i = 0; i < ATTEMPTS; i++) out.push(MIN_PORT + Math.floor(Math.random() * (high - MIN_PORT + 1)));
  }
  out.push(0);
  return out;
}

function tryTcp(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(undefined));
    srv.listen({ host, port, exclusive: true }, () => {
      const addr = srv.address();
      const got = typeof addr === 'object' && addr ? addr.port : undefined;
      srv.close(() => resolve(got));
    });
  });
}

function tryUdp(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    sock.unref();
    sock.once('error', () => resolve(undefined));
    sock.bind({ address: host, port, exclusive: true }, () => {
      const got = sock.address().port;
      sock.close(() => resolve(got));
    });
  });
}

async function pick(probe: (host: string, port: number) => Promise<number | undefined>, host: string, kind: string): Promise<number> {
  for (const port of candidates()) {
    const got = await probe(host, port);
    if (got) return got;
  }
  throw new Error(`no free ${kind} port on ${host}`);
}

export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return pick(tryTcp, host, 'TCP');
}

export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return pick(tryUdp, host, 'UDP');
}
