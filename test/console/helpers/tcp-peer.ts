import { EventEmitter, once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** In-process console peer on loopback: echoes what it gets (optionally), can push output and cut the line. */
export class TcpPeer extends EventEmitter<{ connection: [Socket] }> {
  readonly server: Server;
  socket: Socket | null = null;
  connections = 0;
  received: Buffer[] = [];

  constructor(opts: { echo: boolean }) {
    super();
    this.server = createServer((s) => {
      s.setNoDelay(true);
      this.socket = s;
      this.connections++;
      s.on('data', (d: Buffer) => {
        this.received.push(d);
        if (opts.echo) s.write(d);
      });
      s.on('error', () => undefined);
      this.emit('connection', s);
    });
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  send(data: string | Uint8Array): void {
    if (!this.socket) throw new Error('no connection to the peer');
    this.socket.write(data);
  }

  /** Drops the current connection, like a console server restarting. */
  cut(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  async close(): Promise<void> {
    this.cut();
    this.server.close();
    await once(this.server, 'close');
  }
}
