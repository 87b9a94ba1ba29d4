import type { BootFlags } from '../../../bmc-adapters/ipmi/codec/commands/boot-options.ts';
import {
  BOOT_PARAM_FLAGS,
  BOOT_PARAM_INFO_ACK,
  BOOT_PARAM_SET_IN_PROGRESS,
  bootDeviceCode,
  bootDeviceName,
  decodeBootFlags,
  encodeBootFlags,
} from '../../../bmc-adapters/ipmi/codec/commands/boot-options.ts';
import type { BootDevice, BootOverride } from '../machine.ts';

/**
 * The BMC's System Boot Options parameters (IPMI v2.0 §28.13 table 28-14).
 * Parameter 5 (boot flags) is the machine's boot override; 0 (set in
 * progress), 3 (valid bit clearing) and 4 (boot info acknowledge) are only
 * stored, because ipmitool writes 0 and 4 around every `chassis bootdev`.
 */
export const BOOT_PARAM_VALID_BIT_CLEARING = 3;

/** Flags as the wire carries them → the machine's override. Devices the lab cannot boot (safe, diag, floppy) read as none. */
export function overrideFromFlags(f: BootFlags): BootOverride {
  if (!f.valid) return { device: 'none', persistent: false, efi: f.efi };
  const name = bootDeviceName(f.device);
  const device: BootDevice = name === 'pxe' || name === 'disk' || name === 'cdrom' || name === 'bios' ? name : 'none';
  return { device, persistent: f.persistent, efi: f.efi };
}

export function flagsFromOverride(o: BootOverride): BootFlags {
  return { valid: o.device !== 'none', persistent: o.persistent, efi: o.efi, device: bootDeviceCode(o.device), data2Other: 0, data3: 0, data4: 0, data5: 0 };
}

export class BootParamStore {
  setInProgress = 0;
  validBitClearing = 0;
  infoAck = 0;

  /** The parameter's data, or undefined when the BMC does not support it. */
  get(param: number, override: () => BootOverride): Buffer | undefined {
    switch (param) {
      case BOOT_PARAM_SET_IN_PROGRESS:
        return Buffer.from([this.setInProgress]);
      case BOOT_PARAM_VALID_BIT_CLEARING:
        return Buffer.from([this.validBitClearing]);
      case BOOT_PARAM_INFO_ACK:
        return Buffer.from([0x00, this.infoAck]);
      case BOOT_PARAM_FLAGS:
        return encodeBootFlags(flagsFromOverride(override()));
      default:
        return undefined;
    }
  }

  /** Stores a parameter; 'unsupported' or 'short' when it cannot. */
  set(param: number, data: Buffer, setOverride: (o: BootOverride) => void): 'ok' | 'unsupported' | 'short' {
    switch (param) {
      case BOOT_PARAM_SET_IN_PROGRESS:
        if (data.length < 1) return 'short';
        this.setInProgress = (data[0] as number) & 0x03;
        return 'ok';
      case BOOT_PARAM_VALID_BIT_CLEARING:
        if (data.length < 1) return 'short';
        this.validBitClearing = (data[0] as number) & 0x1f;
        return 'ok';
      case BOOT_PARAM_INFO_ACK: {
        if (data.length < 2) return 'short';
        // Byte 1 is a write mask for byte 2 (§28.13 parameter 4).
        const mask = data[0] as number;
        this.infoAck = (this.infoAck & ~mask) | ((data[1] as number) & mask);
        return 'ok';
      }
      case BOOT_PARAM_FLAGS:
        if (data.length < 2) return 'short';
        setOverride(overrideFromFlags(decodeBootFlags(data, 'Set System Boot Options parameter 5')));
        return 'ok';
      default:
        return 'unsupported';
    }
  }
}
