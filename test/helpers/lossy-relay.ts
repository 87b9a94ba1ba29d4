import { startUdpRelay, type RelayFate, type UdpRelay } from '../../lab/peers/udp-relay.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * The lab's UDP relay with seeded loss: each datagram is dropped, duplicated or held back
 * (reordered by one) with the given probabilities, per direction, so a failing run replays
 * from its seed.
 */
export interface LossyRelayOptions {
  target: { host: string; port: number };
  drop: number;
  duplicate: number;
  reorder: number;
  seed: number;
}

interface Counts {
  in: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

export interface LossyRelay extends UdpRelay {
  /** up: client to BMC, down: BMC to client. */
  stats: { up: Counts; down: Counts };
}

export async function startLossyRelay(o: LossyRelayOptions): Promise<LossyRelay> {
  const random = seededRandom(o.seed);
  const zero = (): Counts => ({ in: 0, dropped: 0, duplicated: 0, reordered: 0 });
  const stats = { up: zero(), down: zero() };
  const relay = await startUdpRelay(o.target, (p, holding): RelayFate => {
    const s = p.dir === 'c2s' ? stats.up : stats.down;
    s.in++;
    const r = random();
    if (r < o.drop) {
      s.dropped++;
      return 'drop';
    }
    if (r < o.drop + o.duplicate) {
      s.duplicated++;
      return 'dup';
    }
    if (r < o.drop + o.duplicate + o.reorder && !holding) {
      s.reordered++;
      return 'hold';
    }
    return 'pass';
  });
  return Object.assign(relay, { stats });
}
