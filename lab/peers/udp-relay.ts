import { createSocket, type RemoteInfo } from 'node:dgram';

/**
 * A loopback UDP relay between one client and one server: records every datagram (for
 * fixtures) and can drop, duplicate or delay them (for loss tests). Decisions come from
 * the caller's function, so a seeded PRNG keeps runs reproducible.
 */
export interface RelayPacket {
  dir: 'c2s' | 's2c';
  data: Buffer;
}

/** 'hold' keeps the packet back until the next one in its direction has passed (a reorder); with one already held it passes. */
export type RelayFate = 'pass' | 'drop' | 'dup' | 'hold';

export interface UdpRelay {
  port: number;
  packets: RelayPacket[];
  close(): Promise<void>;
}

export async function startUdpRelay(
  target: { host: string; port: number },
  fate: (p: RelayPacket, holding: boolean) => RelayFate = () => 'pass',
): Promise<UdpRelay> {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const packets: RelayPacket[] = [];
  let client: RemoteInfo | undefined;
  // 'hold' keeps one packet back and releases it after the next one: a reorder.
  const held: Record<string, Buffer | undefined> = {};
  const forward = (dir: 'c2s' | 's2c', data: Buffer, send: (b: Buffer) => void): void => {
    const p = { dir, data: Buffer.from(data) };
    packets.push(p);
    const f = fate(p, held[dir] !== undefined);
    if (f === 'drop') return;
    if (f === 'hold' && !held[dir]) {
      held[dir] = p.data;
      return;
    }
    send(p.data);
    if (f === 'dup') send(p.data);
    const h = held[dir];
    if (h) {
      held[dir] = undefined;
      send(h);
    }
  };
  front.on('message', (m, r) => {
    client = r;
    forward('c2s', m, (b) => back.send(b, target.port, target.host));
  });
  back.on('message', (m) => {
    const c = client;
    if (c) forward('s2c', m, (b) => front.send(b, c.port, c.address));
  });
  front.on('error', () => undefined);
  back.on('error', () => undefined);
  await Promise.all([new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r())), new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()))]);
  return {
    port: front.address().port,
    packets,
    close: () => Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))]).then(() => undefined),
  };
}
