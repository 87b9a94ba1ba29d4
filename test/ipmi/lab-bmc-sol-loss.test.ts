import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import type { BmcUser } from '../../lab/bmc/ipmi/users.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import { startLossyRelay, type LossyRelay } from '../helpers/lossy-relay.ts';

/**
 * SOL between our client (SolTransport, suite 17) and the lab BMC through a
 * relay that drops, duplicates and reorders 10% of the packets each way:
 * both console streams must arrive byte-exact, in order, exactly once.
 */
class ConsoleMachine extends SimulatedMachine {
  typed: Buffer[] = [];
  /** Fires on every write from the console, so the test waits on events, not time. */
  readonly typedEvents = new EventEmitter<{ typed: [] }>();
  override writeSerial(data: Uint8Array): boolean {
    this.typed.push(Buffer.from(data));
    this.typedEvents.emit('typed');
    return true;
  }
}

const ADMIN: BmcUser = { name: 'admin', password: 'loss-admin-pw', privilege: 4 };
const SEED = Number(process.env.RB_LOSS_SEED ?? 20261126);

/** Printable bytes with a running counter, so a misplaced chunk is easy to see in a diff. */
function pattern(n: number, tag: string): Buffer {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${tag}${i.toString().padStart(6, '0')}\r\n`;
  return Buffer.from(s.slice(0, n));
}

describe('SOL through a lossy relay (client SolTransport vs lab BMC)', () => {
  const machine = new ConsoleMachine('loss-sim', 'on');
  const bmc = new VirtualBmc({ machine, users: [ADMIN] });
  let relay: LossyRelay;
  let sol: SolTransport;
  // Our own pool, closed in after(): the process-wide one keeps its sockets (and the test process) alive.
  const pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });
  const received: Buffer[] = [];
  let receivedBytes = 0;
  const onData: Array<() => void> = [];

  before(async () => {
    const p = await bmc.start();
    relay = await startLossyRelay({ target: { host: p.host, port: p.ipmi }, drop: 0.1, duplicate: 0.1, reorder: 0.1, seed: SEED });
    const port = relay.port;
    sol = new SolTransport({
      host: '127.0.0.1',
      port,
      username: ADMIN.name,
      password: ADMIN.password,
      cipherSuites: [17],
      pool,
      // The BMC reports its own port; the relay's differs by construction.
      workarounds: ['solport'],
      retransmitMs: 150,
      maxRetransmits: 12,
      retries: 10,
      timeoutMs: 300,
      handshakeAttempts: 10,
    });
    sol.on('data', (d) => {
      received.push(d);
      receivedBytes += d.length;
      for (const w of onData) w();
    });
    await sol.open();
  });

  after(async () => {
    await sol?.close();
    await pool.close();
    await bmc.stop();
    await relay?.close();
  });

  test('BMC → console: 24 KB of console output arrive byte-exact', async () => {
    const want = pattern(24 * 1024, 'out');
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${receivedBytes} of ${want.length} bytes after 60 s; relay ${JSON.stringify(relay.stats)}`)), 60_000);
      onData.push(() => {
        if (receivedBytes >= want.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Machine output in irregular chunks, as a kernel writes it.
    for (let i = 0; i < want.length; ) {
      const n = 1 + ((i * 7919) % 700);
      machine.emit('serial', want.subarray(i, i + n));
      i += n;
    }
    await done;
    assert.ok(Buffer.concat(received).equals(want), 'stream differs');
    assert.ok(relay.stats.down.dropped > 0 && relay.stats.down.duplicated > 0 && relay.stats.down.reordered > 0, JSON.stringify(relay.stats));
  });

  test('console → BMC: 6 KB typed arrive byte-exact', async () => {
    const want = pattern(6 * 1024, 'in');
    const got = () => machine.typed.reduce((n, b) => n + b.length, 0);
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got()} of ${want.length} bytes after 60 s; relay ${JSON.stringify(relay.stats)}`)), 60_000);
      const check = () => {
        if (got() >= want.length) {
          clearTimeout(timer);
          machine.typedEvents.off('typed', check);
          resolve();
        }
      };
      machine.typedEvents.on('typed', check);
    });
    for (let i = 0; i < want.length; i += 97) assert.equal(sol.write(want.subarray(i, i + 97)), true);
    await done;
    assert.ok(Buffer.concat(machine.typed).equals(want), 'stream differs');
    assert.ok(relay.stats.up.dropped > 0 && relay.stats.up.duplicated > 0 && relay.stats.up.reordered > 0, JSON.stringify(relay.stats));
    assert.equal(sol.stats.dropped, 0, 'client gave up on no packet');
  });
});
