import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.ts';

/**
 * A TCP server that stands in for a machine's telnet serial port: it swallows telnet
 * negotiation (IAC sequences) and echoes every other byte, so SOL typing comes back.
 */
export interface TelnetEcho {
  port: number;
  /** Bytes received (negotiation removed), across connections. */
  received(): Buffer;
  /** Sends bytes to every connected client, as if the machine printed them. */
  print(data: Buffer | string): void;
  connections(): number;
  close(): Promise<void>;
}

function stripIac(buf: Buffer, state: { skip: number }): Buffer {
  const out: number[] = [];
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] as number;
    if (state.skip > 0) {
      state.skip--;
      continue;
    }
    if (b === 0xff) {
      const next = buf[i + 1];
      if (next === 0xff) {
        out.push(0xff);
        i++;
      } else if (next !== undefined && next >= 0xfb && next <= 0xfe) state.skip = 2;
      else state.skip = 1;
      continue;
    }
    out.push(b);
  }
  return Buffer.from(out);
}

export async function startTelnetEcho(): Promise<TelnetEcho> {
  const port = await freePort();
  const socks = new Set<Socket>();
  const chunks: Buffer[] = [];
  const srv: Server = createServer((s) => {
    socks.add(s);
    const st = { skip: 0 };
    s.on('data', (d: Buffer) => {
      const clean = stripIac(d, st);
      if (clean.length === 0) return;
      chunks.push(clean);
      s.write(clean);
    });
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
  return {
    port,
    received: () => Buffer.concat(chunks),
    print: (d) => {
      for (const s of socks) s.write(d);
    },
    connections: () => socks.size,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
