import { IpmiClient, type BootTarget, type ClientOptions } from '../../bmc-adapters/ipmi/client.ts';
import type { ProbeResult } from '../targets/prober.ts';
import type { BmcController, BootDevice, BootOptions, BootResult, MediaState, PowerAction, PowerState } from './bmc-controller.ts';
import { BmcError, asBmcError } from './bmc-error.ts';
import { ipmiVendorName } from './ipmi-vendors.ts';

const DEVICE: Record<BootDevice, BootTarget> = { cd: 'cdrom', pxe: 'pxe', disk: 'disk', bios: 'bios' };

export interface IpmiControllerOptions extends ClientOptions {
  /** Wait for on/off/cycle/reset; soft gets the client's longer default (the OS decides). */
  powerTimeoutMs?: number;
  pollMs?: number;
}

/** Power and boot over IPMI 2.0 (bmc-adapters/ipmi). IPMI has no virtual media: those calls are refused. */
export class IpmiController implements BmcController {
  readonly protocol = 'ipmi' as const;

  private constructor(
    private readonly client: IpmiClient,
    private readonly o: IpmiControllerOptions,
  ) {}

  static async connect(o: IpmiControllerOptions): Promise<IpmiController> {
    try {
      return new IpmiController(await IpmiClient.connect({ keepaliveMs: 0, ...o }), o);
    } catch (e) {
      throw asBmcError(e);
    }
  }

  async powerStatus(): Promise<PowerState> {
    return this.wrap(() => this.client.powerStatus());
  }

  async power(action: PowerAction): Promise<PowerState> {
    return this.wrap(async () => {
      const now = await this.client.powerStatus();
      // A power cycle of a machine that is off would never reach "on": it means switching it on (as over Redfish).
      const act = action === 'cycle' && now === 'off' ? 'on' : action;
      if (act === 'reset' && now === 'off') throw new BmcError('E_BMC_POWERED_OFF', 'reset needs the machine on; it is off (use "on")', 409, 'action');
      const timeout = act === 'soft' ? {} : { timeoutMs: this.o.powerTimeoutMs ?? 60_000 };
      await this.client.power(act, { wait: true, ...timeout, ...(this.o.pollMs !== undefined ? { pollMs: this.o.pollMs } : {}) });
      return this.client.powerStatus();
    });
  }

  async bootOnce(device: BootDevice, opts: BootOptions = {}): Promise<BootResult> {
    return this.wrap(async () => {
      await this.client.bootdev(DEVICE[device], { persistent: !!opts.persistent, efi: !!opts.efi });
      const r = await this.client.getBootdev();
      if (r.device !== DEVICE[device]) throw new BmcError('E_BMC_VERIFY', `boot device reads ${r.device} after setting ${DEVICE[device]}`, 502, 'device');
      return { device, persistent: r.persistent, efi: r.efi, bmcValue: r.device };
    });
  }

  private unsupported(): never {
    throw new BmcError('E_MEDIA_UNSUPPORTED', 'IPMI has no virtual media; configure the target with bmc.protocol redfish to mount an ISO', 501, 'action');
  }

  async mediaInsert(_url: string): Promise<MediaState> {
    this.unsupported();
  }

  async mediaEject(): Promise<MediaState> {
    this.unsupported();
  }

  async mediaStatus(): Promise<MediaState> {
    return { supported: false, image: null, inserted: false };
  }

  async probe(): Promise<ProbeResult> {
    return this.wrap(async () => {
      const id = await this.client.mcInfo();
      return {
        ok: true,
        protocol: 'ipmi',
        cipherSuite: this.client.session.suite?.id,
        vendor: ipmiVendorName(id.manufacturerId),
        model: `product 0x${id.productId.toString(16).padStart(4, '0')}, firmware ${id.firmwareMajor}.${id.firmwareMinor}`,
        capabilities: { console: ['ipmi-sol'], power: true, boot: true, media: false },
      };
    });
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }

  private async wrap<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw asBmcError(e);
    }
  }
}
