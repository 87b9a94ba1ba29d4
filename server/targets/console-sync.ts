import { createHash } from 'node:crypto';
import type { ConsoleHub } from '../console/console-hub.ts';
import type { Logger } from '../log.ts';
import type { TargetRepo } from './target-repo.ts';
import { createConsoleTransport, type TransportCredentials } from './console-transport-factory.ts';
import type { ConsoleTransport } from '../../bmc-adapters/console-transport.ts';
import type { StoredTarget } from './target-repo.ts';

export type TransportFactory = (t: StoredTarget, creds: TransportCredentials) => ConsoleTransport;

/**
 * Keeps the console hub in step with the stored targets: one console session
 * per target, rebuilt when its console or BMC settings change, dropped when
 * the target is deleted. A target whose console cannot be built is logged
 * and left out; the others carry on.
 */
export class ConsoleSync {
  private readonly fingerprints = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly hub: ConsoleHub,
    private readonly targets: TargetRepo,
    private readonly log: Logger,
    private readonly factory: TransportFactory = createConsoleTransport,
  ) {}

  /** Attaches every stored target, then follows changes. */
  async start(): Promise<void> {
    for (const t of this.targets.list()) await this.apply(t.id);
    this.unsubscribe = this.targets.onChange((_event, id) => {
      this.chain = this.chain.then(() => this.apply(id)).catch((e: unknown) => this.log.error({ target: id, err: (e as Error).message }, 'console sync failed'));
    });
  }

  /** Resolves when every change seen so far has been applied. */
  settled(): Promise<void> {
    return this.chain;
  }

  private async apply(id: string): Promise<void> {
    const t = this.targets.get(id);
    const fp = t ? this.fingerprint(t) : undefined;
    if (t && fp === this.fingerprints.get(id) && this.hub.get(id)) return;
    if (this.hub.get(id)) await this.hub.remove(id);
    this.fingerprints.delete(id);
    if (!t) return;
    try {
      const transport = this.factory(t, this.targets.credentials(id));
      this.hub.add({ id, name: t.name, tags: t.tags, kind: t.console.transport, transport });
      this.fingerprints.set(id, fp as string);
    } catch (e) {
      this.log.warn({ target: id, err: (e as Error).message }, 'console not attached');
    }
  }

  /**
   * What the console depends on. Settings that belong to other concerns (the
   * Redfish TLS pin) are left out, so pinning a certificate does not drop the
   * console; credentials count through a digest, never in clear.
   */
  private fingerprint(t: StoredTarget): string {
    const { redfishTls: _pin, ...settings } = t.settings;
    const creds = createHash('sha256').update(JSON.stringify(this.targets.credentials(t.id))).digest('hex');
    return JSON.stringify([t.console, t.bmc, settings, t.name, t.tags, creds]);
  }

  stop(): void {
    this.unsubscribe?.();
  }
}
