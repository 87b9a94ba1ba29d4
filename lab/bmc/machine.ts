import type { EventEmitter } from 'node:events';

/**
 * The virtual BMC's view of the machine it manages. Both halves of a lab BMC
 * (IPMI here, Redfish later) drive the same object, so a power-on over
 * Redfish is seen by an IPMI `chassis status` and vice versa.
 */
export type PowerState = 'on' | 'off';

/** What the BIOS should boot next; 'none' means the machine's own default. */
export type BootDevice = 'none' | 'pxe' | 'disk' | 'cdrom' | 'bios';

export interface BootOverride {
  device: BootDevice;
  /** false: used by the next power-on or reset, then cleared ("once"). */
  persistent: boolean;
  /** Ask for an EFI boot rather than legacy; recorded, the lab firmware ignores it. */
  efi: boolean;
}

export const NO_BOOT_OVERRIDE: Readonly<BootOverride> = Object.freeze({ device: 'none', persistent: false, efi: false });

export interface LabMachineEvents {
  power: [state: PowerState];
  /** Bytes the machine wrote to its serial console, in order. */
  serial: [chunk: Buffer];
  bootOverride: [override: BootOverride];
  media: [path: string | null];
}

export interface LabMachine extends EventEmitter<LabMachineEvents> {
  readonly name: string;
  readonly power: PowerState;
  /** Path of the inserted virtual CD, or null. */
  readonly media: string | null;
  powerOn(): Promise<void>;
  /** Hard off (pulling the plug). */
  powerOff(): Promise<void>;
  /** Hard reset; a pending boot override applies. Off machines stay off. */
  reset(): Promise<void>;
  /** ACPI power button: the OS decides, power state changes when it is done. */
  softOff(): Promise<void>;
  /** Diagnostic interrupt; machines that cannot do it ignore it. */
  nmi(): Promise<void>;
  setBootOverride(override: BootOverride): void;
  getBootOverride(): BootOverride;
  insertMedia(path: string): Promise<void>;
  ejectMedia(): Promise<void>;
  /** Bytes to the machine's serial console. Returns false when no console is attached. */
  writeSerial(data: Uint8Array): boolean;
  /** Releases what the machine holds (console bridge); does not power it off. */
  close(): Promise<void>;
}
