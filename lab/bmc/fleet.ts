import type { BmcUser } from './ipmi/users.ts';
import { SimulatedMachine } from './simulated-machine.ts';
import { VirtualBmc } from './virtual-bmc.ts';

/**
 * BMC-only mode: many virtual BMCs in one process, each on its own loopback
 * UDP port with a SimulatedMachine behind it, for fan-out tests and
 * benchmarks. Nothing is shared between BMCs except the event loop.
 */
export interface FleetOptions {
  host?: string;
  /**
   * Address of BMC i, overriding `host`. `spreadLoopback` gives each BMC its
   * own 127.x.y.z, for peers that label results by address only (ipmipower).
   */
  hostFor?: (i: number) => string;
  users?: readonly BmcUser[];
  /** Power state of BMC i at start; default: even on, odd off (so status checks can tell them apart). */
  initialPower?: (i: number) => 'on' | 'off';
  namePrefix?: string;
}

export interface Fleet {
  readonly bmcs: readonly VirtualBmc[];
  /** "host:port" of each BMC, in order. */
  readonly addresses: readonly string[];
  stop(): Promise<void>;
}

export const FLEET_DEFAULT_USER: BmcUser = { name: 'admin', password: 'fleet-secret', privilege: 4 };

export async function startFleet(n: number, opts: FleetOptions = {}): Promise<Fleet> {
  const host = opts.host ?? '127.0.0.1';
  const hostFor = opts.hostFor ?? (() => host);
  const users = opts.users ?? [FLEET_DEFAULT_USER];
  const power = opts.initialPower ?? ((i: number) => (i % 2 === 0 ? 'on' : 'off'));
  const bmcs: VirtualBmc[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const machine = new SimulatedMachine(`${opts.namePrefix ?? 'sim'}-${i + 1}`, power(i));
      // Small history and few sessions: a fleet BMC has no console and short-lived clients.
      const bmc = new VirtualBmc({ machine, users, host: hostFor(i), ipmi: { historyBytes: 1024, maxSessions: 8 } });
      bmcs.push(bmc);
      await bmc.start();
    }
  } catch (e) {
    await Promise.all(bmcs.map((b) => b.stop()));
    throw e;
  }
  return {
    bmcs,
    addresses: bmcs.map((b) => `${b.ports.host}:${b.ports.ipmi}`),
    stop: async () => {
      await Promise.all(bmcs.map((b) => b.stop()));
    },
  };
}

/** 127.77.y.z for BMC i: distinct loopback addresses (Linux routes all of 127/8 to lo). */
export function spreadLoopback(i: number): string {
  return `127.77.${Math.floor(i / 254) % 256}.${(i % 254) + 1}`;
}
