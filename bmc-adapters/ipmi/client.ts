import { BOOT_PARAM_FLAGS, BOOT_PARAM_INFO_ACK, bootDeviceCode, bootDeviceName, decodeBootFlags, decodeGetBootOptionsResponse, encodeBootFlags, encodeGetBootOptionsRequest, encodeSetBootOptionsRequest } from './codec/commands/boot-options.ts';
import { CHASSIS_HARD_RESET, CHASSIS_POWER_CYCLE, CHASSIS_POWER_DOWN, CHASSIS_POWER_UP, CHASSIS_PULSE_DIAG, CHASSIS_SOFT_SHUTDOWN, decodeChassisStatusResponse, encodeChassisControlRequest, type ChassisStatus } from './codec/commands/chassis.ts';
import { decodeCipherSuiteRecords, decodeCipherSuitesResponse, encodeCipherSuitesRequest, type CipherSuiteRecord } from './codec/commands/cipher-suites.ts';
import { decodeDeviceIdResponse, type DeviceId } from './codec/commands/device-id.ts';
import { CMD_CHASSIS_CONTROL, CMD_GET_CHANNEL_CIPHER_SUITES, CMD_GET_CHASSIS_STATUS, CMD_GET_DEVICE_ID, CMD_GET_SYSTEM_BOOT_OPTIONS, CMD_SET_SYSTEM_BOOT_OPTIONS, NETFN_APP, NETFN_CHASSIS, PRIV_USER } from './codec/commands/netfn.ts';
import { IpmiError } from './session/errors.ts';
import { IpmiSession, type CloseOptions, type SessionLink, type SessionOptions } from './session/session.ts';
import { sharedPool, type PoolLink, type UdpPool } from './transport/udp-pool.ts';

export type PowerAction = 'on' | 'off' | 'cycle' | 'reset' | 'soft' | 'nmi';
export type BootTarget = 'pxe' | 'disk' | 'cdrom' | 'bios';

const EMPTY = Buffer.alloc(0);
const controls: Record<PowerAction, number> = { on: CHASSIS_POWER_UP, off: CHASSIS_POWER_DOWN, cycle: CHASSIS_POWER_CYCLE, reset: CHASSIS_HARD_RESET, soft: CHASSIS_SOFT_SHUTDOWN, nmi: CHASSIS_PULSE_DIAG };

export interface ClientOptions extends SessionOptions {
  host: string;
  port?: number;
  pool?: UdpPool;
}

/** Commands over one session: what the CLI, the server and the tests call. */
export class IpmiClient {
  private constructor(
    readonly session: IpmiSession,
    private readonly link: Pick<PoolLink, 'detach'>,
    readonly target: string,
  ) {}

  /** A client over any SessionLink (tests use a scripted BMC); `connect` wires inbound packets. */
  static overLink(link: SessionLink & { connect(onPacket: (b: Buffer) => void): void; detach?: () => void }, o: SessionOptions, target = 'test'): IpmiClient {
    const session = new IpmiSession(link, o);
    link.connect((b) => session.receive(b));
    return new IpmiClient(session, { detach: link.detach ?? (() => undefined) }, target);
  }

  /** Attaches to the pool and logs in. */
  static async connect(o: ClientOptions): Promise<IpmiClient> {
    const c = await IpmiClient.create(o);
    try {
      await c.session.open();
    } catch (e) {
      c.link.detach();
      throw e;
    }
    return c;
  }

  /**
   * Attaches without logging in: the first command does, at the privilege it needs (a status
   * query then costs no Set Session Privilege Level round trip).
   */
  static async create(o: ClientOptions): Promise<IpmiClient> {
    const pool = o.pool ?? sharedPool();
    // The pool needs the packet handler before the session (which needs the link) exists.
    const ref: { session?: IpmiSession } = {};
    const link = await pool.attach(o.host, o.port ?? 623, (buf) => ref.session?.receive(buf));
    const session = new IpmiSession(link, o);
    ref.session = session;
    return new IpmiClient(session, link, `${o.host}:${o.port ?? 623}`);
  }

  async mcInfo(): Promise<DeviceId> {
    return decodeDeviceIdResponse(await this.session.request(NETFN_APP, CMD_GET_DEVICE_ID, EMPTY, { privilege: PRIV_USER }));
  }

  async chassisStatus(): Promise<ChassisStatus> {
    return decodeChassisStatusResponse(await this.session.request(NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, EMPTY, { privilege: PRIV_USER }));
  }

  async powerStatus(): Promise<'on' | 'off'> {
    return (await this.chassisStatus()).powerOn ? 'on' : 'off';
  }

  /**
   * Chassis Control; with `wait`, polls Get Chassis Status until on/off/soft reached the
   * state (cycle and reset end "on"). Soft shutdown depends on the OS, hence its own timeout.
   */
  async power(action: PowerAction, o: { wait?: boolean; timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
    await this.session.request(NETFN_CHASSIS, CMD_CHASSIS_CONTROL, encodeChassisControlRequest(controls[action]));
    if (!o.wait || action === 'nmi') return;
    const want = action === 'off' || action === 'soft' ? 'off' : 'on';
    const clock = this.session.opts.clock;
    const deadline = clock.now() + (o.timeoutMs ?? (action === 'soft' ? 120000 : 30000));
    for (;;) {
      if ((await this.powerStatus()) === want) return;
      if (clock.now() >= deadline) throw new IpmiError('E_IPMI_TIMEOUT', `power ${action}: still not ${want} after ${o.timeoutMs ?? 'the default timeout'} ms`);
      await new Promise<void>((r) => clock.setTimeout(r, o.pollMs ?? 500));
    }
  }

  /** Boot flags (parameter 5) valid for the next boot, or every boot with `persistent`. */
  async bootdev(dev: BootTarget, o: { persistent?: boolean; efi?: boolean } = {}): Promise<void> {
    const flags = encodeBootFlags({ valid: true, persistent: !!o.persistent, efi: !!o.efi, device: bootDeviceCode(dev), data2Other: 0, data3: 0, data4: 0, data5: 0 });
    await this.session.request(NETFN_CHASSIS, CMD_SET_SYSTEM_BOOT_OPTIONS, encodeSetBootOptionsRequest({ parameter: BOOT_PARAM_FLAGS, markInvalid: false, data: flags }));
    // Clear the "boot info acknowledge" bits like ipmitool, so BIOSes that check them honour the flags.
    await this.session
      .request(NETFN_CHASSIS, CMD_SET_SYSTEM_BOOT_OPTIONS, encodeSetBootOptionsRequest({ parameter: BOOT_PARAM_INFO_ACK, markInvalid: false, data: Buffer.from([0x01, 0x00]) }))
      .catch(() => undefined);
  }

  async getBootdev(): Promise<{ device: string; persistent: boolean; efi: boolean; valid: boolean }> {
    const r = decodeGetBootOptionsResponse(await this.session.request(NETFN_CHASSIS, CMD_GET_SYSTEM_BOOT_OPTIONS, encodeGetBootOptionsRequest({ parameter: BOOT_PARAM_FLAGS, setSelector: 0, blockSelector: 0 })));
    const f = decodeBootFlags(r.data, 'Get System Boot Options param 5');
    return { device: bootDeviceName(f.device), persistent: f.persistent, efi: f.efi, valid: f.valid };
  }

  /** Advisory only: BMCs list suites they then refuse, and omit ones they accept. */
  async cipherSuites(channel = 0x0e): Promise<CipherSuiteRecord[]> {
    const chunks: Buffer[] = [];
    for (let index = 0; index < 64; index++) {
      const r = decodeCipherSuitesResponse(await this.session.request(NETFN_APP, CMD_GET_CHANNEL_CIPHER_SUITES, encodeCipherSuitesRequest({ channel, payloadType: 0, listBySuite: true, index })));
      chunks.push(r.records);
      if (r.records.length < 16) break;
    }
    return decodeCipherSuiteRecords(Buffer.concat(chunks));
  }

  /** Close Session (best effort, see `CloseOptions`), then stops routing packets here. */
  async close(o: CloseOptions = {}): Promise<void> {
    await this.session.close(o);
    this.link.detach();
  }
}
