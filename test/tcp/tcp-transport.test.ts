import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { BRK, DO, IAC, OPT_COM_PORT, OPT_ECHO, OPT_SGA, WILL } from '../../bmc-adapters/tcp/telnet-codec.ts';
import { encodeSetBaudRate } from '../../bmc-adapters/tcp/rfc2217.ts';
import { TransportOutput } from './transport-output.ts';

const DEADLINE = 5000;
const fastBackoff = { initialMs: 5, maxMs: 40, jitter: 0 };

/** An in-process peer that records what it receives and hands out its sockets. */
class Peer {
  server: Server;
  received = Buffer.alloc(0);
  sockets: Socket[] = [];
  private onReceive = new Set<() => void>();
  constructor(private readonly onConnect: (s: Socket) => void = () => undefined) {
    this.server = this.make();
  }
  private make(): Server {
    const srv = createServer((s) => {
      this.sockets.push(s);
      s.on('data', (d) => {
        this.received = Buffer.concat([this.received, d]);
        this.onReceive.forEach((f) => f());
      });
      s.on('error', () => undefined);
      this.onConnect(s);
    });
    return srv;
  }
  async listen(port = 0): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }
  /** Stops listening and drops every connection. */
  async shutdown(): Promise<void> {
    this.sockets.forEach((s) => s.destroy());
    this.sockets = [];
    await new Promise<void>((r) => this.server.close(() => r()));
    this.server = this.make();
  }
  waitReceived(pred: (b: Buffer) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`peer: timed out; received ${this.received.toString('hex')}`)), DEADLINE);
      const check = () => {
        if (!pred(this.received)) return;
        clearTimeout(timer);
        this.onReceive.delete(check);
        resolve();
      };
      this.onReceive.add(check);
      check();
    });
  }
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function transport(port: number, telnet: 'auto' | 'on' | 'off') {
  const t = new TcpTransport({ host: '127.0.0.1', port, telnet, backoff: fastBackoff });
  cleanups.push(() => t.close());
  return { t, out: new TransportOutput(t) };
}

test('raw: every byte value both ways, unchanged (telnet off)', async () => {
  const peer = new Peer((s) => s.pipe(s)); // echo
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const { t, out } = transport(port, 'off');
  assert.equal(t.write(Buffer.from('x')), false, 'write before open is refused');
  await t.open();
  assert.equal(t.state, 'open');
  const all = Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 0xff));
  assert.equal(t.write(all), true);
  await out.until(() => (Buffer.concat(out.bytes).length >= all.length ? true : undefined), DEADLINE, () => 'all echoed bytes');
  assert.deepEqual(Buffer.concat(out.bytes), all);
  assert.deepEqual(peer.received, all);
});

test('auto: a peer opening with negotiation is telnet: answered, IAC escaped, BRK sent', async () => {
  // The opening IAC arrives alone, as a split chunk would deliver it.
  const peer = new Peer((s) => {
    s.write(Buffer.from([IAC]));
    s.write(Buffer.concat([Buffer.from([WILL, OPT_ECHO]), Buffer.from('early '), Buffer.from([IAC, WILL, OPT_SGA]), Buffer.from('login: ')]));
  });
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const { t, out } = transport(port, 'auto');
  await t.open();
  await out.waitFor('login: ', DEADLINE);
  assert.equal(out.text, 'early login: ', 'negotiation bytes never reach the console');
  assert.ok(t.telnetActive);
  await peer.waitReceived((b) => b.includes(Buffer.from([IAC, DO, OPT_ECHO])) && b.includes(Buffer.from([IAC, DO, OPT_SGA])));
  const before = peer.received.length;
  t.write(Buffer.from([0x41, 0xff, 0x42]));
  await peer.waitReceived((b) => b.subarray(before).includes(Buffer.from([0x41, 0xff, 0xff, 0x42])));
  const beforeBrk = peer.received.length;
  t.sendBreak();
  await peer.waitReceived((b) => b.subarray(beforeBrk).includes(Buffer.from([IAC, BRK])));
});

test('auto: a raw peer stays raw even when its output later holds 0xff; break is refused, not sent as data', async () => {
  const peer = new Peer((s) => s.write(Buffer.concat([Buffer.from('raw console\r\n'), Buffer.from([IAC, WILL, OPT_ECHO, 0x21])])));
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const { t, out } = transport(port, 'auto');
  await t.open();
  await out.waitFor('!', DEADLINE);
  assert.deepEqual(Buffer.concat(out.bytes).subarray(-4), Buffer.from([IAC, WILL, OPT_ECHO, 0x21]), 'raw output passes untouched');
  const warnings: string[] = [];
  t.on('warning', (w) => warnings.push(w));
  t.sendBreak();
  t.write(Buffer.from([0xff]));
  await peer.waitReceived((b) => b.length > 0);
  assert.deepEqual([...peer.received], [0xff]);
  assert.equal(warnings.length, 1);
  assert.ok(!t.telnetActive);
});

test('on: negotiates from the start even with a silent peer', async () => {
  const peer = new Peer();
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const { t } = transport(port, 'on');
  await t.open();
  await peer.waitReceived((b) => b.includes(Buffer.from([IAC, WILL, 0])) && b.includes(Buffer.from([IAC, DO, OPT_SGA])));
});

test('RFC 2217: with a baud rate, offers COM-PORT-OPTION and sets the speed once the peer agrees', async () => {
  const peer = new Peer((s) => s.write(Buffer.from([IAC, WILL, OPT_ECHO])));
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const t = new TcpTransport({ host: '127.0.0.1', port, telnet: 'on', baudRate: 115200, backoff: fastBackoff });
  cleanups.push(() => t.close());
  await t.open();
  await peer.waitReceived((b) => b.includes(Buffer.from([IAC, WILL, OPT_COM_PORT])));
  peer.sockets[0]?.write(Buffer.from([IAC, DO, OPT_COM_PORT]));
  await peer.waitReceived((b) => b.includes(encodeSetBaudRate(115200)));
});

test('reconnects when the peer drops, and again after the peer was gone for a while', async () => {
  let n = 0;
  const peer = new Peer((s) => s.write(`hello ${++n}\n`));
  const port = await peer.listen();
  cleanups.push(() => peer.shutdown());
  const { t, out } = transport(port, 'off');
  await t.open();
  await out.waitFor('hello 1', DEADLINE);

  // The peer drops the connection but keeps listening: one reconnect.
  peer.sockets[0]?.destroy();
  const r1 = await out.waitForState('reconnecting', DEADLINE);
  assert.equal(r1.reason, 'connection closed by peer');
  assert.equal(typeof r1.retryInMs, 'number');
  await out.waitFor('hello 2', DEADLINE);
  assert.equal(t.state, 'open');

  // The peer goes away entirely: refused attempts repeat until it is back on the same port.
  await peer.shutdown();
  const refusedBefore = out.states.filter((s) => s.state === 'reconnecting').length;
  await out.waitForState('reconnecting', DEADLINE, refusedBefore + 2);
  assert.match(out.states.at(-1)?.reason ?? '', /ECONNREFUSED/);
  assert.equal(t.write(Buffer.from('lost')), false, 'writes are refused while reconnecting');
  await peer.listen(port);
  await out.waitFor('hello 3', DEADLINE);
  assert.equal(t.state, 'open');
  assert.ok(t.write(Buffer.from('back')));
});

test('close() ends reconnecting for good and rejects a pending open()', async () => {
  const peer = new Peer();
  const port = await peer.listen();
  await peer.shutdown(); // nothing listens on port now
  const { t, out } = transport(port, 'auto');
  const opening = t.open();
  await out.waitForState('reconnecting', DEADLINE);
  await t.close();
  await assert.rejects(opening, (e: Error & { code?: string }) => e.code === 'E_CLOSED');
  assert.equal(t.state, 'closed');
  await assert.rejects(t.open(), (e: Error & { code?: string }) => e.code === 'E_CLOSED');
  assert.equal(t.write(Buffer.from('x')), false);
});
