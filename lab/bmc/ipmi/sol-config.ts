import { PRIV_USER } from './constants.ts';

/**
 * SOL Configuration Parameters (IPMI v2.0 §26.2-26.3, table 26-4), netFn
 * transport 0x0c commands 0x21/0x22. The shared codec has no encoder for
 * these (the client never needs them), so the few bytes live here.
 */
export const CMD_SET_SOL_CONFIG = 0x21;
export const CMD_GET_SOL_CONFIG = 0x22;
/** Parameter revision reported with every Get (§26.3: 11h). */
export const SOL_CONFIG_REVISION = 0x11;
export const CC_SOL_PARAM_NOT_SUPPORTED = 0x80;

/** Bit-rate codes of parameters 5 and 6. */
const BITRATE_115200 = 0x0a;

export class SolConfig {
  enabled = true;
  forceEncryption = false;
  forceAuthentication = false;
  privilege = PRIV_USER;
  /** In 5 ms units, and the character send threshold. */
  accumulateInterval = 12;
  sendThreshold = 96;
  retryCount: number;
  /** In 10 ms units. */
  retryInterval: number;
  bitRate = BITRATE_115200;

  constructor(
    readonly port: () => number,
    retry: { count: number; intervalMs: number },
  ) {
    this.retryCount = Math.min(7, retry.count);
    this.retryInterval = Math.max(1, Math.round(retry.intervalMs / 10));
  }

  get(param: number): Buffer | undefined {
    switch (param) {
      case 0:
        return Buffer.from([0]);
      case 1:
        return Buffer.from([this.enabled ? 1 : 0]);
      case 2:
        return Buffer.from([(this.forceEncryption ? 0x80 : 0) | (this.forceAuthentication ? 0x40 : 0) | (this.privilege & 0x0f)]);
      case 3:
        return Buffer.from([this.accumulateInterval, this.sendThreshold]);
      case 4:
        return Buffer.from([this.retryCount & 0x07, this.retryInterval]);
      case 5:
      case 6:
        return Buffer.from([this.bitRate]);
      case 7:
        // Payload channel: the LAN channel we are (1).
        return Buffer.from([1]);
      case 8: {
        const b = Buffer.alloc(2);
        b.writeUInt16LE(this.port() & 0xffff);
        return b;
      }
      default:
        return undefined;
    }
  }

  /** Accepts the writable parameters; false when unsupported or malformed. */
  set(param: number, data: Buffer): boolean {
    const b0 = data[0];
    if (b0 === undefined) return false;
    switch (param) {
      case 0:
        return true;
      case 1:
        this.enabled = (b0 & 1) !== 0;
        return true;
      case 2:
        this.forceEncryption = (b0 & 0x80) !== 0;
        this.forceAuthentication = (b0 & 0x40) !== 0;
        this.privilege = Math.max(1, Math.min(4, b0 & 0x0f));
        return true;
      case 3:
        this.accumulateInterval = b0;
        this.sendThreshold = data[1] ?? this.sendThreshold;
        return true;
      case 4:
        this.retryCount = b0 & 0x07;
        this.retryInterval = data[1] ?? this.retryInterval;
        return true;
      case 5:
      case 6:
        this.bitRate = b0 & 0x0f;
        return true;
      default:
        return false;
    }
  }
}
