import { createSocket, type Socket } from 'node:dgram';

/** UDP peers that send every datagram straight back: the node-floor client's BMCs, doing no work. */
export async function startEchoPeers(n: number): Promise<{ addresses: string[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = createSocket('udp4');
    s.on('message', (msg, from) => s.send(msg, from.port, from.address));
    sockets.push(s);
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    addresses.push(`127.0.0.1:${s.address().port}`);
  }
  return { addresses, close: () => Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined) };
}
