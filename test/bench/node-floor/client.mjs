// The least any node client must do for `power status` on many BMCs, run as a fresh process by
// the ipmi-fleet bench: per BMC the datagrams of our --hosts run (5 answered exchanges, then one
// unanswered send, like Get Channel Auth Capabilities, Open Session, RAKP 1 and 3, Get Chassis
// Status, Close Session), fan-out 64, one socket, no IPMI, no crypto. Plain JS: tsx would cost more
// than it measures.
//   node client.mjs HOST:PORT,HOST:PORT,...   prints "done N" once every peer answered 5 times
import dgram from 'node:dgram';

const EXCHANGES = 5;
const FANOUT = 64;
const targets = (process.argv[2] ?? '').split(',').filter(Boolean).map((a) => {
  const i = a.lastIndexOf(':');
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)), key: a };
});
const socket = dgram.createSocket('udp4');
await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
const waiting = new Map();
socket.on('message', (_msg, from) => {
  const key = `${from.address}:${from.port}`;
  const done = waiting.get(key);
  waiting.delete(key);
  done?.();
});
const datagram = Buffer.alloc(64, 0xa5);
let completed = 0;
async function one(t) {
  for (let i = 0; i < EXCHANGES; i++) {
    await new Promise((resolve) => {
      waiting.set(t.key, resolve);
      socket.send(datagram, t.port, t.host);
    });
  }
  socket.send(datagram, t.port, t.host);
  completed++;
}
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(FANOUT, targets.length) }, async () => {
    while (next < targets.length) await one(targets[next++]);
  }),
);
socket.close();
process.stdout.write(`done ${completed}\n`);
