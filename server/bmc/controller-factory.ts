import type { StoredTarget } from '../targets/target-repo.ts';
import type { TargetCredentials, TargetProber } from '../targets/prober.ts';
import type { TargetRepo } from '../targets/target-repo.ts';
import type { Logger } from '../log.ts';
import type { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';
import type { BmcController } from './bmc-controller.ts';
import { BmcError } from './bmc-error.ts';
import { IpmiController } from './ipmi-controller.ts';
import { RedfishController } from './redfish-controller.ts';
import { TargetPinStore } from './target-pin-store.ts';

export interface ControllerRequest {
  /** Certificate fingerprint an admin accepts for this connection (replaces a changed pin). */
  acceptFingerprint?: string;
}

/** Builds a connected controller for a stored target and its decrypted credentials; the caller closes it. */
export type ControllerFactory = (target: StoredTarget, credentials: TargetCredentials, req?: ControllerRequest) => Promise<BmcController>;

export interface ControllerFactoryOptions {
  targets: TargetRepo;
  log?: Logger;
  now?: () => number;
  /** How long power actions may take to reach their state. */
  powerTimeoutMs?: number;
  /** Poll interval while waiting for a power state. */
  pollMs?: number;
  /** Per-request timeout towards a BMC. */
  timeoutMs?: number;
  /** UDP sockets for IPMI; default the process-wide shared pool (tests pass their own and close it). */
  ipmiPool?: UdpPool;
}

function hostForUrl(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

function ipmiSuites(settings: Record<string, unknown>): number[] | undefined {
  const v = (settings.ipmi as { cipherSuites?: unknown } | undefined)?.cipherSuites;
  return Array.isArray(v) && v.every((n) => n === 3 || n === 17) ? (v as number[]) : undefined;
}

/**
 * The product's factory: IPMI or Redfish by `bmc.protocol`. Secrets go
 * straight into the adapter and are never logged (only target, protocol,
 * address appear in log lines).
 */
export function createControllerFactory(o: ControllerFactoryOptions): ControllerFactory {
  return async (target, credentials, req = {}) => {
    const { protocol, address, port, user } = target.bmc;
    if (protocol === 'none') throw new BmcError('E_NO_BMC', `target ${target.id} has no BMC configured (bmc.protocol is none)`, 409, 'bmc.protocol');
    if (!address) throw new BmcError('E_NO_BMC', `target ${target.id} has no BMC address`, 409, 'bmc.address');
    if (!user) throw new BmcError('E_NO_BMC_USER', `target ${target.id} has no BMC user`, 409, 'bmc.user');
    if (credentials.password === undefined) throw new BmcError('E_NO_BMC_PASSWORD', `target ${target.id} has no stored BMC password`, 409, 'bmc.password');
    o.log?.debug({ target: target.id, protocol, address, port }, 'connecting to BMC');
    if (protocol === 'ipmi') {
      const suites = ipmiSuites(target.settings);
      return IpmiController.connect({
        host: address,
        port: port ?? 623,
        username: user,
        password: credentials.password,
        ...(credentials.kg ? { kg: Buffer.from(credentials.kg, 'hex') } : {}),
        ...(suites ? { cipherSuites: suites } : {}),
        ...(o.ipmiPool ? { pool: o.ipmiPool } : {}),
        ...(o.powerTimeoutMs !== undefined ? { powerTimeoutMs: o.powerTimeoutMs } : {}),
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      });
    }
    const store = new TargetPinStore(o.targets, target.id, o.now);
    if (req.acceptFingerprint) store.nextHow = 'accepted';
    return RedfishController.connect({
      targetId: target.id,
      url: `https://${hostForUrl(address)}:${port ?? 443}`,
      user,
      password: credentials.password,
      pin: {
        store,
        ...(req.acceptFingerprint ? { accept: req.acceptFingerprint } : {}),
        onPin: (e) => o.log?.info({ target: target.id, hostPort: e.hostPort, sha256: e.fingerprint, kind: e.kind }, 'BMC certificate pinned'),
      },
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.powerTimeoutMs !== undefined ? { powerTimeoutMs: o.powerTimeoutMs } : {}),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
    });
  };
}

/** `ctx.probeTarget` from a factory: connect, probe, close. */
export function proberFrom(factory: ControllerFactory): TargetProber {
  return async (target, credentials) => {
    const c = await factory(target, credentials);
    try {
      return await c.probe();
    } finally {
      await c.close();
    }
  };
}
