import type { ProbeResult } from '../targets/prober.ts';

/**
 * What the server does to one target's BMC, whatever the protocol. A
 * controller is connected when the factory hands it out and is closed by the
 * caller after the operation (one BMC session per API call, no idle sessions).
 */
import type { BootDevice, MediaState, PowerAction, PowerState } from '../wire.ts';

export type { BootDevice, MediaState, PowerAction, PowerState };

export const POWER_ACTIONS: readonly PowerAction[] = ['on', 'off', 'cycle', 'reset', 'soft'];
export const BOOT_DEVICES: readonly BootDevice[] = ['cd', 'pxe', 'disk', 'bios'];

export interface BootOptions {
  /** Every boot instead of the next one only. */
  persistent?: boolean;
  /** EFI boot; omitted: legacy over IPMI (like ipmitool), the Redfish client's UEFI default over Redfish. */
  efi?: boolean;
}

export interface BootResult {
  device: BootDevice;
  persistent: boolean;
  efi: boolean | null;
  /** What the BMC reads back, in its own vocabulary (e.g. "Cd", "cdrom"). */
  bmcValue: string;
}

export interface BmcController {
  readonly protocol: 'ipmi' | 'redfish';
  powerStatus(): Promise<PowerState>;
  /** Sends the action and resolves once the resulting state is reached (cycle/reset end on, off/soft end off). */
  power(action: PowerAction): Promise<PowerState>;
  bootOnce(device: BootDevice, opts?: BootOptions): Promise<BootResult>;
  mediaInsert(url: string): Promise<MediaState>;
  mediaEject(): Promise<MediaState>;
  mediaStatus(): Promise<MediaState>;
  /** Protocol, vendor, cipher suite or TLS fingerprint, capabilities. */
  probe(): Promise<ProbeResult>;
  close(): Promise<void>;
}
