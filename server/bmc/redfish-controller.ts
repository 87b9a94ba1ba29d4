import { redactMediaTokens } from '../media/redact-token.ts';
import { RedfishClient } from '../../bmc-adapters/redfish/client.ts';
import { TlsPinError, normalizeFingerprint, type PinPolicy } from '../../bmc-adapters/redfish/tls-pin.ts';
import type { MediaSlot } from '../../bmc-adapters/redfish/virtual-media.ts';
import type { BootDevice as RedfishBootDevice } from '../../bmc-adapters/redfish/quirks/index.ts';
import type { ProbeResult } from '../targets/prober.ts';
import type { BmcController, BootDevice, BootOptions, BootResult, MediaState, PowerAction, PowerState } from './bmc-controller.ts';
import { BmcError, asBmcError } from './bmc-error.ts';

const DEVICE: Record<BootDevice, RedfishBootDevice> = { cd: 'cd', pxe: 'pxe', disk: 'hdd', bios: 'bios' };

export interface RedfishControllerOptions {
  targetId: string;
  /** https://host:port */
  url: string;
  user: string;
  password: string;
  pin: PinPolicy;
  timeoutMs?: number;
  powerTimeoutMs?: number;
  pollMs?: number;
}

function toState(s: string): PowerState {
  return s === 'On' ? 'on' : s === 'Off' ? 'off' : 'unknown';
}

/** The first CD-capable slot (the one the client inserts into), or the first slot. */
function mainSlot(slots: MediaSlot[]): MediaSlot | undefined {
  return slots.find((s) => s.inserted || s.image) ?? slots.find((s) => !s.mediaTypes || s.mediaTypes.some((m) => /CD|DVD/i.test(m))) ?? slots[0];
}

function toMedia(slot: MediaSlot | undefined): MediaState {
  if (!slot) return { supported: false, image: null, inserted: false };
  return { supported: true, slot: slot.path, image: slot.image ? redactMediaTokens(slot.image) : null, inserted: slot.inserted || !!slot.image, ...(slot.connectedVia ? { connectedVia: slot.connectedVia } : {}) };
}

/** A changed certificate as the operator sees it: both fingerprints and how an admin accepts the new one. */
export function pinChangedError(targetId: string, e: TlsPinError): BmcError {
  return new BmcError(
    'E_TLS_PIN_CHANGED',
    `the BMC certificate of ${targetId} (${e.hostPort}) changed: pinned SHA-256 ${e.pinned}, presented SHA-256 ${e.presented}. ` +
      `Nothing was sent to it. If the certificate was replaced on purpose, an admin accepts it with POST /api/targets/${targetId}/tls/accept {"fingerprint":"${e.presented}"}`,
    409,
    'bmc',
    { pinned: e.pinned, presented: e.presented, hostPort: e.hostPort },
    { cause: e },
  );
}

function findPinError(e: unknown): TlsPinError | undefined {
  for (let cur: unknown = e, i = 0; cur && i < 5; cur = (cur as { cause?: unknown }).cause, i++) if (cur instanceof TlsPinError) return cur;
  return undefined;
}

/** Power, boot and virtual media over Redfish (bmc-adapters/redfish), with the target's certificate pin. */
export class RedfishController implements BmcController {
  readonly protocol = 'redfish' as const;

  private constructor(
    private readonly client: RedfishClient,
    private readonly o: RedfishControllerOptions,
  ) {}

  static async connect(o: RedfishControllerOptions): Promise<RedfishController> {
    try {
      const client = await RedfishClient.connect({ url: o.url, user: o.user, password: o.password, pin: o.pin, timeoutMs: o.timeoutMs ?? 30_000 });
      return new RedfishController(client, o);
    } catch (e) {
      const pinErr = findPinError(e);
      throw pinErr ? pinChangedError(o.targetId, pinErr) : asBmcError(e);
    }
  }

  powerStatus(): Promise<PowerState> {
    return this.wrap(async () => toState(await this.client.powerStatus()));
  }

  power(action: PowerAction): Promise<PowerState> {
    const timing = { timeoutMs: this.o.powerTimeoutMs ?? 120_000, pollMs: this.o.pollMs ?? 1_000 };
    return this.wrap(async () => {
      if (action === 'reset' && (await this.client.powerStatus()) === 'Off') {
        throw new BmcError('E_BMC_POWERED_OFF', 'reset needs the machine on; it is off (use "on")', 409, 'action');
      }
      // ResetTypes per operation come from the client's vendor quirk table.
      return toState(await this.client.power(action, timing));
    });
  }

  bootOnce(device: BootDevice, opts: BootOptions = {}): Promise<BootResult> {
    return this.wrap(async () => {
      const r = await this.client.bootOverride({
        device: DEVICE[device],
        persistent: !!opts.persistent,
        ...(opts.efi !== undefined ? { mode: opts.efi ? ('UEFI' as const) : ('Legacy' as const) } : {}),
      });
      const mode = r.boot.BootSourceOverrideMode;
      return { device, persistent: r.boot.BootSourceOverrideEnabled === 'Continuous', efi: mode === undefined ? null : mode === 'UEFI', bmcValue: String(r.boot.BootSourceOverrideTarget) };
    });
  }

  mediaInsert(url: string): Promise<MediaState> {
    return this.wrap(async () => toMedia(await this.client.mediaInsert(url)));
  }

  mediaEject(): Promise<MediaState> {
    return this.wrap(async () => {
      await this.client.mediaEject();
      return toMedia(mainSlot(await this.client.mediaStatus()));
    });
  }

  mediaStatus(): Promise<MediaState> {
    return this.wrap(async () => toMedia(mainSlot(await this.client.mediaStatus())));
  }

  probe(): Promise<ProbeResult> {
    return this.wrap(async () => {
      const id = this.client.target.identity;
      const hostPort = `${new URL(this.o.url).hostname}:${new URL(this.o.url).port || '443'}`;
      const fp = this.o.pin.store.get(hostPort);
      let media = false;
      try {
        media = (await this.client.mediaStatus()).length > 0;
      } catch {
        /* no VirtualMedia collection: media stays false */
      }
      return {
        ok: true,
        protocol: 'redfish',
        ...(fp ? { tlsFingerprint: normalizeFingerprint(fp) } : {}),
        vendor: id.vendor ?? id.manufacturer ?? this.client.family,
        ...(id.managerModel ? { model: id.managerModel } : {}),
        message: `quirk family ${this.client.family}`,
        capabilities: { console: [], power: true, boot: true, media },
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
      const pinErr = findPinError(e);
      throw pinErr ? pinChangedError(this.o.targetId, pinErr) : asBmcError(e);
    }
  }
}
