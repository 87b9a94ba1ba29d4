import { systemClock, type Clock } from './clock.ts';
import { setBootOverride, type BootRequest, type BootResult } from './boot.ts';
import { discover, type RedfishTarget } from './discovery.ts';
import { EtagCache } from './etag.ts';
import { RedfishHttp } from './http.ts';
import { power, powerState, type PowerOptions, type PowerState } from './power.ts';
import type { PowerOp, QuirkEntry } from './quirks/index.ts';
import { RedfishSession, type Credentials } from './session.ts';
import type { PinPolicy } from './tls-pin.ts';
import { ejectMedia, insertMedia, listSlots, type MediaSlot } from './virtual-media.ts';

export interface RedfishClientOptions extends Credentials {
  /** https://host[:port] of the BMC. */
  url: string;
  pin: PinPolicy;
  clock?: Clock;
  timeoutMs?: number;
  /** Replace the built-in quirk table (tests, or a site-specific vendor entry). */
  quirkEntries?: readonly QuirkEntry[];
  systemId?: string;
}

/**
 * The one object callers use: connect, then power / boot / media. Holds one
 * session; `close()` deletes it on the BMC.
 */
export class RedfishClient {
  private constructor(
    readonly target: RedfishTarget,
    private readonly http: RedfishHttp,
  ) {}

  static async connect(o: RedfishClientOptions): Promise<RedfishClient> {
    const http = new RedfishHttp({ baseUrl: o.url, pin: o.pin, timeoutMs: o.timeoutMs });
    const s = new RedfishSession(http, { user: o.user, password: o.password });
    try {
      const t = await discover(s, new EtagCache(), o.clock ?? systemClock, { quirkEntries: o.quirkEntries, systemId: o.systemId });
      return new RedfishClient(t, http);
    } catch (e) {
      await s.close();
      await http.close();
      throw e;
    }
  }

  get family(): string {
    return this.target.quirks.family;
  }

  powerStatus(): Promise<PowerState> {
    return powerState(this.target);
  }

  power(op: PowerOp, opts?: PowerOptions): Promise<PowerState> {
    return power(this.target, op, opts);
  }

  bootOverride(req: BootRequest): Promise<BootResult> {
    return setBootOverride(this.target, req);
  }

  mediaStatus(): Promise<MediaSlot[]> {
    return listSlots(this.target);
  }

  mediaInsert(url: string): Promise<MediaSlot> {
    return insertMedia(this.target, url);
  }

  mediaEject(url?: string): Promise<MediaSlot[]> {
    return ejectMedia(this.target, url);
  }

  async close(): Promise<void> {
    await this.target.s.close();
    await this.http.close();
  }
}
