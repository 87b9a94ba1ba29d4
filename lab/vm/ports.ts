import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

/**
 * Free loopback ports, chosen by the kernel (bind to port 0, read, release).
 * Another process may grab the port before our user binds it; callers that
 * can retry (LabManager) do so on E_PORT_IN_USE.
 */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port from the kernel'))));
    });
  });
}

export function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.unref();
    sock.once('error', reject);
    sock.bind({ address: host, port: 0, exclusive: true }, () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}
