import { decodeGetBootOptionsRequest, decodeSetBootOptionsRequest, encodeGetBootOptionsResponse } from '../../../bmc-adapters/ipmi/codec/commands/boot-options.ts';
import { decodeChannelAuthCapRequest, encodeChannelAuthCapResponse } from '../../../bmc-adapters/ipmi/codec/commands/channel-auth.ts';
import {
  CHASSIS_HARD_RESET,
  CHASSIS_POWER_CYCLE,
  CHASSIS_POWER_DOWN,
  CHASSIS_POWER_UP,
  CHASSIS_PULSE_DIAG,
  CHASSIS_SOFT_SHUTDOWN,
  decodeChassisControlRequest,
  encodeChassisStatusResponse,
} from '../../../bmc-adapters/ipmi/codec/commands/chassis.ts';
import { decodeCipherSuitesRequest, encodeCipherSuiteRecords, encodeCipherSuitesResponse } from '../../../bmc-adapters/ipmi/codec/commands/cipher-suites.ts';
import type { DeviceId } from '../../../bmc-adapters/ipmi/codec/commands/device-id.ts';
import { encodeDeviceIdResponse } from '../../../bmc-adapters/ipmi/codec/commands/device-id.ts';
import {
  CMD_ACTIVATE_PAYLOAD,
  CMD_CHASSIS_CONTROL,
  CMD_CLOSE_SESSION,
  CMD_DEACTIVATE_PAYLOAD,
  CMD_GET_CHANNEL_AUTH_CAP,
  CMD_GET_CHANNEL_CIPHER_SUITES,
  CMD_GET_CHANNEL_INFO,
  CMD_GET_CHANNEL_PAYLOAD_SUPPORT,
  CMD_GET_CHASSIS_CAPABILITIES,
  CMD_GET_CHASSIS_STATUS,
  CMD_GET_DEVICE_GUID,
  CMD_GET_DEVICE_ID,
  CMD_GET_PAYLOAD_ACTIVATION_STATUS,
  CMD_GET_PAYLOAD_INSTANCE_INFO,
  CMD_GET_SESSION_INFO,
  CMD_GET_SOL_CONFIG,
  CMD_GET_SYSTEM_BOOT_OPTIONS,
  CMD_GET_SYSTEM_GUID,
  CMD_SET_SESSION_PRIVILEGE,
  CMD_SET_SOL_CONFIG,
  CMD_SET_SYSTEM_BOOT_OPTIONS,
  NETFN_APP,
  NETFN_CHASSIS,
  NETFN_TRANSPORT,
  PRIV_ADMIN,
  PRIV_CALLBACK,
  PRIV_OPERATOR,
  PRIV_USER,
} from '../../../bmc-adapters/ipmi/codec/commands/netfn.ts';
import {
  decodeActivatePayloadRequest,
  decodeDeactivatePayloadRequest,
  decodePayloadStatusRequest,
  encodePayloadStatusResponse,
} from '../../../bmc-adapters/ipmi/codec/commands/payload.ts';
import { decodeCloseSessionRequest, decodeSetSessionPrivilegeRequest, encodeSetSessionPrivilegeResponse } from '../../../bmc-adapters/ipmi/codec/commands/session-cmds.ts';
import { decodeGetSolConfigRequest, decodeSetSolConfigRequest, encodeGetSolConfigResponse, SOL_CONFIG_REVISION } from '../../../bmc-adapters/ipmi/codec/commands/sol-config.ts';
import {
  CC_INSUFFICIENT_PRIVILEGE,
  CC_INVALID_COMMAND,
  CC_INVALID_DATA_FIELD,
  CC_OK,
  CC_PARAM_NOT_SUPPORTED,
  CC_PARAM_OUT_OF_RANGE,
  CC_PARAM_READ_ONLY,
  CC_PRIV_EXCEEDS_LIMIT,
  CC_PRIV_NOT_AVAILABLE,
  CC_REQ_DATA_LEN_INVALID,
  CC_UNSPECIFIED,
} from '../../../bmc-adapters/ipmi/codec/completion-codes.ts';
import { DecodeError } from '../../../bmc-adapters/errors.ts';
import type { LabMachine } from '../machine.ts';
import type { BootParamStore } from './boot-options.ts';
import { LAB_CIPHER_SUITES, type Privilege } from './constants.ts';
import type { BmcSession } from './session.ts';
import type { SolConfig } from './sol-config.ts';

/**
 * The lab BMC's command set: IPMI request bodies in, completion code and
 * response body out. Pure apart from the services it is handed (machine,
 * session table, SOL), so each command can be tested without a socket.
 */
export interface CommandResult {
  cc: number;
  data?: Buffer;
  /** Runs after the reply was sent (close the session, start SOL output). */
  after?: () => void;
}

/** What commands may touch; the LAN server implements it. */
export interface BmcServices {
  readonly machine: LabMachine;
  readonly bootParams: BootParamStore;
  readonly solConfig: SolConfig;
  readonly deviceId: DeviceId;
  readonly guid: Buffer;
  /** Set when the last power-on came from an IPMI command (chassis status byte 2 bit 4). */
  lastPowerOnByIpmi: boolean;
  /** Runs a machine action one at a time; resolves when done (or gives up waiting). */
  machineAction(name: string, action: () => Promise<void>): Promise<void>;
  closeSession(bmcSessionId: number, by: BmcSession): CommandResult;
  activateSol(by: BmcSession, instance: number, aux: number): CommandResult;
  deactivateSol(by: BmcSession, instance: number): CommandResult;
  activeSolInstances(): number[];
  /** BMC session id owning a SOL instance, if active. */
  solOwnerSessionId(instance: number): number | undefined;
  activeSessionCount(): number;
}

export interface CommandContext {
  /** null for sessionless requests (IPMI 1.5 framing or RMCP+ session 0). */
  session: BmcSession | null;
  services: BmcServices;
}

type Handler = (ctx: CommandContext, data: Buffer) => CommandResult | Promise<CommandResult>;

interface CommandSpec {
  /** Lowest session privilege allowed; sessionless commands ignore it. */
  priv: Privilege;
  sessionless?: boolean;
  handler: Handler;
}

/** Channel number of the LAN channel (0x0e in requests means "this channel"). */
export const LAN_CHANNEL = 1;
const CHANNEL_SELF = 0x0e;
/** IPMI Forum IANA number, the "vendor" of standard channel info (§22.24). */
const IPMI_FORUM_IANA = 7154;

const ok = (data?: Buffer): CommandResult => (data ? { cc: CC_OK, data } : { cc: CC_OK });

function channelOf(b: number): number | undefined {
  const c = b & 0x0f;
  return c === CHANNEL_SELF || c === LAN_CHANNEL ? LAN_CHANNEL : undefined;
}

const table = new Map<number, CommandSpec>();
function def(netFn: number, cmd: number, spec: CommandSpec): void {
  table.set((netFn << 8) | cmd, spec);
}

// --- App ---------------------------------------------------------------

def(NETFN_APP, CMD_GET_CHANNEL_AUTH_CAP, {
  priv: PRIV_CALLBACK,
  sessionless: true,
  handler: (_ctx, data) => {
    const req = decodeChannelAuthCapRequest(data);
    if (channelOf(req.channel) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    return ok(
      encodeChannelAuthCapResponse({
        channel: LAN_CHANNEL,
        // RMCP+ only: no IPMI 1.5 authentication types are offered.
        extended: req.ipmi20,
        authTypes: 0,
        kgNonZero: false,
        perMessageAuthDisabled: false,
        userLevelAuthDisabled: false,
        nonNullUsers: true,
        nullUsers: false,
        anonymousLogin: false,
        supportsIpmi20: true,
        supportsIpmi15: false,
        oemId: 0,
        oemAux: 0,
      }),
    );
  },
});

def(NETFN_APP, CMD_GET_CHANNEL_CIPHER_SUITES, {
  priv: PRIV_CALLBACK,
  sessionless: true,
  handler: (_ctx, data) => {
    const req = decodeCipherSuitesRequest(data);
    if (channelOf(req.channel) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    const all = encodeCipherSuiteRecords(
      LAB_CIPHER_SUITES.map((s) => ({ id: s.id, auth: [s.auth], integrity: [s.integrity], confidentiality: [s.confidentiality] })),
    );
    const block = req.payloadType === 0 ? all.subarray(req.index * 16, req.index * 16 + 16) : Buffer.alloc(0);
    return ok(encodeCipherSuitesResponse({ channel: LAN_CHANNEL, records: Buffer.from(block) }));
  },
});

def(NETFN_APP, CMD_GET_DEVICE_ID, { priv: PRIV_USER, handler: (ctx) => ok(encodeDeviceIdResponse(ctx.services.deviceId)) });
def(NETFN_APP, CMD_GET_DEVICE_GUID, { priv: PRIV_USER, handler: (ctx) => ok(Buffer.from(ctx.services.guid)) });
def(NETFN_APP, CMD_GET_SYSTEM_GUID, { priv: PRIV_USER, handler: (ctx) => ok(Buffer.from(ctx.services.guid)) });

def(NETFN_APP, CMD_GET_CHANNEL_INFO, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    if (data.length < 1) return { cc: CC_REQ_DATA_LEN_INVALID };
    if (channelOf(data[0] as number) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    const b = Buffer.alloc(9);
    b[0] = LAN_CHANNEL;
    b[1] = 0x04; // medium: 802.3 LAN
    b[2] = 0x01; // protocol: IPMB-1.0, what LAN channels report
    b[3] = 0x80 | Math.min(0x3f, ctx.services.activeSessionCount()); // multi-session
    b.writeUIntLE(IPMI_FORUM_IANA, 4, 3);
    return ok(b);
  },
});

def(NETFN_APP, CMD_SET_SESSION_PRIVILEGE, {
  priv: PRIV_CALLBACK,
  handler: (ctx, data) => {
    const s = ctx.session;
    if (!s) return { cc: CC_INVALID_COMMAND };
    const want = decodeSetSessionPrivilegeRequest(data);
    if (want === 0) return ok(encodeSetSessionPrivilegeResponse(s.privilege));
    if (want > PRIV_ADMIN) return { cc: CC_PRIV_NOT_AVAILABLE };
    if (want > s.maxPriv) return { cc: CC_PRIV_EXCEEDS_LIMIT };
    s.privilege = want as Privilege;
    return ok(encodeSetSessionPrivilegeResponse(s.privilege));
  },
});

def(NETFN_APP, CMD_CLOSE_SESSION, {
  priv: PRIV_CALLBACK,
  handler: (ctx, data) => {
    if (!ctx.session) return { cc: CC_INVALID_COMMAND };
    return ctx.services.closeSession(decodeCloseSessionRequest(data), ctx.session);
  },
});

def(NETFN_APP, CMD_GET_SESSION_INFO, {
  priv: PRIV_USER,
  handler: (ctx) => {
    const s = ctx.session;
    if (!s) return { cc: CC_INVALID_COMMAND };
    // Index 0 form: handle, slots, active count, user id, privilege, channel.
    return ok(Buffer.from([1, 16, ctx.services.activeSessionCount(), 2, s.privilege, (0x1 << 4) | LAN_CHANNEL]));
  },
});

def(NETFN_APP, CMD_ACTIVATE_PAYLOAD, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    if (!ctx.session) return { cc: CC_INVALID_COMMAND };
    const req = decodeActivatePayloadRequest(data);
    if (req.payloadType !== 1) return { cc: CC_INVALID_DATA_FIELD };
    if (ctx.session.privilege < ctx.services.solConfig.privilege) return { cc: CC_INSUFFICIENT_PRIVILEGE };
    return ctx.services.activateSol(ctx.session, req.instance, req.aux);
  },
});

def(NETFN_APP, CMD_DEACTIVATE_PAYLOAD, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    if (!ctx.session) return { cc: CC_INVALID_COMMAND };
    const req = decodeDeactivatePayloadRequest(data);
    if (req.payloadType !== 1) return { cc: CC_INVALID_DATA_FIELD };
    return ctx.services.deactivateSol(ctx.session, req.instance);
  },
});

def(NETFN_APP, CMD_GET_PAYLOAD_ACTIVATION_STATUS, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    const type = decodePayloadStatusRequest(data);
    if (type !== 1) return ok(encodePayloadStatusResponse({ capacity: 0, active: [] }));
    return ok(encodePayloadStatusResponse({ capacity: 1, active: ctx.services.activeSolInstances() }));
  },
});

def(NETFN_APP, CMD_GET_CHANNEL_PAYLOAD_SUPPORT, {
  priv: PRIV_USER,
  handler: (_ctx, data) => {
    if (data.length < 1) return { cc: CC_REQ_DATA_LEN_INVALID };
    if (channelOf(data[0] as number) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    // Standard payloads: IPMI (0) and SOL (1); session setup: 0x10-0x15; no OEM payloads.
    return ok(Buffer.from([0x03, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00]));
  },
});

def(NETFN_APP, CMD_GET_PAYLOAD_INSTANCE_INFO, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    if (data.length < 2) return { cc: CC_REQ_DATA_LEN_INVALID };
    const b = Buffer.alloc(12);
    const owner = (data[0] as number) === 1 ? ctx.services.solOwnerSessionId(data[1] as number) : undefined;
    if (owner !== undefined) {
      b.writeUInt32LE(owner, 0);
      b[4] = 1; // SOL: the serial port number
    }
    return ok(b);
  },
});

// --- Chassis -----------------------------------------------------------

def(NETFN_CHASSIS, CMD_GET_CHASSIS_CAPABILITIES, {
  priv: PRIV_USER,
  // No intrusion sensor or lockouts; every device address is the BMC's.
  handler: () => ok(Buffer.from([0x00, 0x20, 0x20, 0x20, 0x20])),
});

def(NETFN_CHASSIS, CMD_GET_CHASSIS_STATUS, {
  priv: PRIV_USER,
  handler: (ctx) =>
    ok(
      encodeChassisStatusResponse({
        powerOn: ctx.services.machine.power === 'on',
        powerOverload: false,
        powerFault: false,
        restorePolicy: 0, // stays off after AC loss: the lab has no AC to lose
        lastPowerEvent: ctx.services.lastPowerOnByIpmi ? 0x10 : 0,
        miscState: 0,
        frontPanel: 0,
      }),
    ),
});

def(NETFN_CHASSIS, CMD_CHASSIS_CONTROL, {
  priv: PRIV_OPERATOR,
  handler: async (ctx, data) => {
    const control = decodeChassisControlRequest(data);
    const svc = ctx.services;
    const m = svc.machine;
    switch (control) {
      case CHASSIS_POWER_DOWN:
        await svc.machineAction('power off', () => m.powerOff());
        break;
      case CHASSIS_POWER_UP:
        svc.lastPowerOnByIpmi = true;
        await svc.machineAction('power on', () => m.powerOn());
        break;
      case CHASSIS_POWER_CYCLE:
        // §28.3: a cycle of an off machine is not done (some BMCs refuse with 0xd5; we answer OK and stay off like most).
        if (m.power === 'off') break;
        svc.lastPowerOnByIpmi = true;
        await svc.machineAction('power cycle', async () => {
          await m.powerOff();
          await m.powerOn();
        });
        break;
      case CHASSIS_HARD_RESET:
        await svc.machineAction('hard reset', () => m.reset());
        break;
      case CHASSIS_PULSE_DIAG:
        await svc.machineAction('nmi', () => m.nmi());
        break;
      case CHASSIS_SOFT_SHUTDOWN:
        await svc.machineAction('soft shutdown', () => m.softOff());
        break;
    }
    return ok();
  },
});

def(NETFN_CHASSIS, CMD_SET_SYSTEM_BOOT_OPTIONS, {
  priv: PRIV_OPERATOR,
  handler: (ctx, data) => {
    const req = decodeSetBootOptionsRequest(data);
    const r = ctx.services.bootParams.set(req.parameter, req.data, (o) => ctx.services.machine.setBootOverride(o));
    if (r === 'unsupported') return { cc: CC_PARAM_NOT_SUPPORTED };
    if (r === 'short') return { cc: CC_REQ_DATA_LEN_INVALID };
    return ok();
  },
});

def(NETFN_CHASSIS, CMD_GET_SYSTEM_BOOT_OPTIONS, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    const req = decodeGetBootOptionsRequest(data);
    const value = ctx.services.bootParams.get(req.parameter, () => ctx.services.machine.getBootOverride());
    if (!value) return { cc: CC_PARAM_NOT_SUPPORTED };
    return ok(encodeGetBootOptionsResponse({ version: 1, parameter: req.parameter, invalid: false, data: value }));
  },
});

// --- Transport (SOL configuration) -------------------------------------

def(NETFN_TRANSPORT, CMD_GET_SOL_CONFIG, {
  priv: PRIV_USER,
  handler: (ctx, data) => {
    const req = decodeGetSolConfigRequest(data);
    if (channelOf(req.channel) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    if (req.revisionOnly) return ok(encodeGetSolConfigResponse({ revision: SOL_CONFIG_REVISION, data: Buffer.alloc(0) }));
    const value = ctx.services.solConfig.get(req.parameter);
    if (!value) return { cc: CC_PARAM_NOT_SUPPORTED };
    return ok(encodeGetSolConfigResponse({ revision: SOL_CONFIG_REVISION, data: value }));
  },
});

def(NETFN_TRANSPORT, CMD_SET_SOL_CONFIG, {
  priv: PRIV_ADMIN,
  handler: (ctx, data) => {
    const req = decodeSetSolConfigRequest(data);
    if (channelOf(req.channel) === undefined) return { cc: CC_INVALID_DATA_FIELD };
    const r = ctx.services.solConfig.set(req.parameter, req.data);
    return r === 'ok' ? ok() : { cc: r === 'read-only' ? CC_PARAM_READ_ONLY : CC_PARAM_NOT_SUPPORTED };
  },
});

/** Runs one request; unknown commands, missing privilege and bad bodies become completion codes, never exceptions. */
export async function executeCommand(ctx: CommandContext, netFn: number, cmd: number, data: Buffer): Promise<CommandResult> {
  const spec = table.get((netFn << 8) | cmd);
  if (!spec) return { cc: CC_INVALID_COMMAND };
  if (!ctx.session && !spec.sessionless) return { cc: CC_INSUFFICIENT_PRIVILEGE };
  if (ctx.session && ctx.session.privilege < spec.priv) return { cc: CC_INSUFFICIENT_PRIVILEGE };
  try {
    return await spec.handler(ctx, data);
  } catch (e) {
    if (e instanceof DecodeError) return { cc: e.message.includes('out of range') ? CC_PARAM_OUT_OF_RANGE : CC_REQ_DATA_LEN_INVALID };
    return { cc: CC_UNSPECIFIED };
  }
}
