import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { freeTcpPort, freeUdpPort } from '../../lab/vm/ports.ts';

test('free TCP and UDP ports on loopback can be bound right away', async () => {
  const tcp = await freeTcpPort();
  const srv = createServer().listen(tcp, '127.0.0.1');
  await once(srv, 'listening');
  srv.close();
  const udp = await freeUdpPort();
  const sock = createSocket('udp4');
  sock.bind(udp, '127.0.0.1');
  await once(sock, 'listening');
  sock.close();
  assert.ok(tcp > 0 && udp > 0);
});

test('ports come from below the ephemeral range, apart from each other', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freeTcpPort()));
  assert.ok(new Set(ports).size >= 18, `mostly distinct: ${ports.join(',')}`);
  assert.ok(ports.every((p) => p >= 10_000 && p < 65536));
});
