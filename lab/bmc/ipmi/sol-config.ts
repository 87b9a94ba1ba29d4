import { PRIV_USER } from '../../../bmc-adapters/ipmi/codec/commands/netfn.ts';
import {
  SOL_BIT_RATE_115200,
  SOL_PARAM_ACCUMULATE,
  SOL_PARAM_AUTHENTICATION,
  SOL_PARAM_ENABLE,
  SOL_PARAM_NONVOLATILE_BIT_RATE,
  SOL_PARAM_PAYLOAD_CHANNEL,
  SOL_PARAM_PAYLOAD_PORT,
  SOL_PARAM_RETRY,
  SOL_PARAM_SET_IN_PROGRESS,
  SOL_PARAM_VOLATILE_BIT_RATE,
  decodeSolConfigParam,
  encodeSolConfigParam,
  solConfigParamLength,
  type SolConfigParam,
} from '../../../bmc-adapters/ipmi/codec/commands/sol-config.ts';

/**
 * The lab BMC's SOL configuration (IPMI v2.0 §26.2-26.3): the values and which
 * of them may be written. The bytes are the shared codec's.
 */
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
  bitRate = SOL_BIT_RATE_115200;

  constructor(
    readonly port: () => number,
    retry: { count: number; intervalMs: number },
  ) {
    this.retryCount = Math.min(7, retry.count);
    this.retryInterval = Math.max(1, Math.round(retry.intervalMs / 10));
  }

  value(param: number): SolConfigParam | undefined {
    switch (param) {
      case SOL_PARAM_SET_IN_PROGRESS:
        return { param, state: 0 };
      case SOL_PARAM_ENABLE:
        return { param, enabled: this.enabled };
      case SOL_PARAM_AUTHENTICATION:
        return { param, forceEncryption: this.forceEncryption, forceAuthentication: this.forceAuthentication, privilege: this.privilege };
      case SOL_PARAM_ACCUMULATE:
        return { param, interval: this.accumulateInterval, threshold: this.sendThreshold };
      case SOL_PARAM_RETRY:
        return { param, count: this.retryCount, interval: this.retryInterval };
      case SOL_PARAM_NONVOLATILE_BIT_RATE:
      case SOL_PARAM_VOLATILE_BIT_RATE:
        return { param, bitRate: this.bitRate };
      case SOL_PARAM_PAYLOAD_CHANNEL:
        // Payload channel: the LAN channel we are (1).
        return { param, channel: 1 };
      case SOL_PARAM_PAYLOAD_PORT:
        return { param, port: this.port() };
      default:
        return undefined;
    }
  }

  /** Parameter data for Get SOL Configuration Parameters, undefined when not supported. */
  get(param: number): Buffer | undefined {
    const v = this.value(param);
    return v && encodeSolConfigParam(v);
  }

  /**
   * Set SOL Configuration Parameters. Short data throws the codec's DecodeError (the
   * command layer answers 0xc7); channel and port are read-only here.
   */
  set(param: number, data: Buffer): 'ok' | 'unsupported' | 'read-only' {
    if (solConfigParamLength(param) === undefined) return 'unsupported';
    const v = decodeSolConfigParam(param, data);
    switch (v.param) {
      case SOL_PARAM_SET_IN_PROGRESS:
        // Changes apply at once: nothing to lock or commit.
        return 'ok';
      case SOL_PARAM_ENABLE:
        this.enabled = v.enabled;
        return 'ok';
      case SOL_PARAM_AUTHENTICATION:
        this.forceEncryption = v.forceEncryption;
        this.forceAuthentication = v.forceAuthentication;
        this.privilege = Math.max(1, Math.min(4, v.privilege));
        return 'ok';
      case SOL_PARAM_ACCUMULATE:
        this.accumulateInterval = v.interval;
        this.sendThreshold = v.threshold;
        return 'ok';
      case SOL_PARAM_RETRY:
        this.retryCount = v.count;
        this.retryInterval = v.interval;
        return 'ok';
      case SOL_PARAM_NONVOLATILE_BIT_RATE:
      case SOL_PARAM_VOLATILE_BIT_RATE:
        this.bitRate = v.bitRate;
        return 'ok';
      default:
        return 'read-only';
    }
  }
}
