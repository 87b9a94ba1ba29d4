import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { seededRandom } from '../../helpers/seeded-random.ts';

/**
 * A UDP relay between one client and one server that drops, duplicates and
 * reorders packets in both directions, with a seeded generator so a failing
 * run can be replayed. Reordering holds one packet back until the next one in
 * the same direction has passed (a displacement of one, as on real paths).
 */
export interface LossyRelayOptions {
  target: { host: string; port: number };
  drop: number;
  duplicate: number;
  reorder: number;
  seed: number;
}

type Dir = 'up' | 'down';

export class LossyRelay {
  readonly stats = { up: { in: 0, dropped: 0, duplicated: 0, reordered: 0 }, down: { in: 0, dropped: 0, duplicated: 0, reordered: 0 } };
  private readonly front: Socket = createSocket('udp4');
  private readonly back: Socket = createSocket('udp4');
  private client: RemoteInfo | undefined;
  private readonly held: Record<Dir, Buffer | undefined> = { up: undefined, down: undefined };
  private readonly random: () => number;
  port = 0;

  constructor(private readonly o: LossyRelayOptions) {
    this.random = seededRandom(o.seed);
    this.front.on('message', (m, r) => {
      this.client = r;
      this.pass('up', m);
    });
    this.back.on('message', (m) => this.pass('down', m));
  }

  async start(): Promise<number> {
    await new Promise<void>((res) => this.front.bind(0, '127.0.0.1', () => res()));
    await new Promise<void>((res) => this.back.bind(0, '127.0.0.1', () => res()));
    this.port = this.front.address().port;
    return this.port;
  }

  async stop(): Promise<void> {
    await Promise.all([new Promise<void>((r) => this.front.close(() => r())), new Promise<void>((r) => this.back.close(() => r()))]);
  }

  private emitOne(dir: Dir, m: Buffer): void {
    if (dir === 'up') this.back.send(m, this.o.target.port, this.o.target.host);
    else if (this.client) this.front.send(m, this.client.port, this.client.address);
  }

  private pass(dir: Dir, m: Buffer): void {
    const s = this.stats[dir];
    s.in++;
    const r = this.random();
    const held = this.held[dir];
    this.held[dir] = undefined;
    if (r < this.o.drop) {
      s.dropped++;
    } else if (r < this.o.drop + this.o.duplicate) {
      s.duplicated++;
      this.emitOne(dir, m);
      this.emitOne(dir, m);
    } else if (r < this.o.drop + this.o.duplicate + this.o.reorder && !held) {
      s.reordered++;
      this.held[dir] = m;
      return;
    } else {
      this.emitOne(dir, m);
    }
    if (held) this.emitOne(dir, held);
  }
}
