import type { PinStore } from '../../bmc-adapters/redfish/tls-pin.ts';
import type { TargetRepo } from '../targets/target-repo.ts';

/** Where a Redfish target's pinned certificate lives: `settings.redfishTls` of the stored target. */
export const PIN_SETTING = 'redfishTls';

export interface StoredPin {
  hostPort: string;
  sha256: string;
  pinnedAt: number;
  how: 'first-use' | 'accepted';
}

export function readPin(settings: Record<string, unknown>): StoredPin | undefined {
  const v = settings[PIN_SETTING] as Partial<StoredPin> | undefined;
  return v && typeof v.sha256 === 'string' && typeof v.hostPort === 'string' ? (v as StoredPin) : undefined;
}

/**
 * The Redfish client's PinStore over one stored target. A pin is only valid
 * for the host:port it was taken on: after an admin changes the BMC address
 * the new BMC is pinned on first use again.
 */
export class TargetPinStore implements PinStore {
  /** How the last set() came about, so the stored record says first use or accepted. */
  nextHow: StoredPin['how'] = 'first-use';

  constructor(
    private readonly targets: TargetRepo,
    private readonly id: string,
    private readonly now: () => number = Date.now,
  ) {}

  get(hostPort: string): string | undefined {
    const t = this.targets.get(this.id);
    const pin = t && readPin(t.settings);
    return pin && pin.hostPort === hostPort ? pin.sha256 : undefined;
  }

  set(hostPort: string, fingerprint: string): void {
    const t = this.targets.get(this.id);
    if (!t) return;
    const pin: StoredPin = { hostPort, sha256: fingerprint, pinnedAt: this.now(), how: this.nextHow };
    this.targets.update(this.id, { settings: { ...t.settings, [PIN_SETTING]: pin } });
  }
}
