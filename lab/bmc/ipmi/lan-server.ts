import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { DeviceId } from '../../../bmc-adapters/ipmi/codec/commands/device-id.ts';
import { decodeIpmi15, encodeIpmi15, AUTH_TYPE_NONE, AUTH_TYPE_RMCPPLUS } from '../../../bmc-adapters/ipmi/codec/ipmi15.ts';
import { decodeIpmiRequest, encodeIpmiResponse, type IpmiRequest } from '../../../bmc-adapters/ipmi/codec/ipmi-message.ts';
import { ASF_TYPE_PING, RMCP_CLASS_ASF, decodeAsfPing, decodeRmcpHeader, encodeAsfPong } from '../../../bmc-adapters/ipmi/codec/rmcp.ts';
import {
  PAYLOAD_IPMI,
  PAYLOAD_OPEN_SESSION_REQUEST,
  PAYLOAD_RAKP1,
  PAYLOAD_RAKP3,
  PAYLOAD_SOL,
  decodeRmcpPlus,
  encodeRmcpPlus,
  peekSession,
} from '../../../bmc-adapters/ipmi/codec/rmcpplus.ts';
import { SOL_AUX_AUTHENTICATE, SOL_AUX_ENCRYPT } from '../../../bmc-adapters/ipmi/codec/commands/payload.ts';
import { decodeSol, encodeSol, type SolPacket } from '../../../bmc-adapters/ipmi/codec/sol.ts';
import { safeEqual } from '../../../bmc-adapters/ipmi/crypto/rakp-crypto.ts';
import { systemBmcClock, type BmcClock } from '../clock.ts';
import type { LabMachine } from '../machine.ts';
import { SerialHistory } from '../serial-history.ts';
import { BootParamStore } from './boot-options.ts';
import { executeCommand, type BmcServices, type CommandResult } from './commands.ts';
import {
  CC_INSUFFICIENT_PRIVILEGE,
  CC_INVALID_DATA_FIELD,
  CC_INVALID_SESSION_ID,
  CC_OK,
  CC_PAYLOAD_ALREADY_ACTIVE,
  CC_PAYLOAD_ALREADY_DEACTIVATED,
  CC_PAYLOAD_DISABLED,
  CC_PAYLOAD_ENCRYPTION_REQUIRED,
  CC_PAYLOAD_LIMIT,
  CC_PAYLOAD_NO_ENCRYPTION_POSSIBLE,
} from '../../../bmc-adapters/ipmi/codec/completion-codes.ts';
import { CMD_CHASSIS_CONTROL, NETFN_CHASSIS, PRIV_ADMIN } from '../../../bmc-adapters/ipmi/codec/commands/netfn.ts';
import { handleOpenSession, handleRakp1, handleRakp3, type HandshakeHost } from './handshake.ts';
import type { BmcSession, Peer } from './session.ts';
import { SessionTable } from './session-table.ts';
import { SolChannel } from './sol-channel.ts';
import { SolConfig } from './sol-config.ts';
import { UserTable, type BmcUser } from './users.ts';

export interface IpmiLanServerOptions {
  machine: LabMachine;
  users: readonly BmcUser[];
  /** Default 127.0.0.1: the lab never listens beyond loopback. */
  host?: string;
  /** 0 (default) lets the kernel choose. */
  port?: number;
  clock?: BmcClock;
  random?: (n: number) => Buffer;
  /** Default: derived from the machine name, so a BMC keeps its GUID across restarts. */
  guid?: Buffer;
  idleTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  maxSessions?: number;
  /** SOL payload size offered both ways, 4-byte header included. */
  solMaxPayload?: number;
  solRetryIntervalMs?: number;
  solRetryCount?: number;
  /** Bytes of console output kept for SOL sessions opened later. */
  historyBytes?: number;
  /** How long a Chassis Control reply waits for the machine before answering anyway. */
  actionReplyCapMs?: number;
}

export interface IpmiLanServerEvents {
  /** Diagnostic events (refused handshakes, dropped packets...), for logs and tests. */
  log: [event: string, detail: Record<string, unknown>];
}

interface SolInstance {
  owner: BmcSession;
  channel: SolChannel;
  encrypted: boolean;
  authenticated: boolean;
}

/** The single SOL instance every lab BMC has. */
const SOL_INSTANCE = 1;
/** How long a Chassis Control with the same rqSeq and data counts as a resend of an earlier one. */
const REQUEST_DEDUPE_MS = 5000;

/**
 * The lab's IPMI 2.0 LAN interface for one machine, on one loopback UDP
 * port: ASF presence, sessionless Get Channel Auth Capabilities and cipher
 * suites, RMCP+ sessions (suites 3 and 17), the command set in commands.ts,
 * and SOL bridged to the machine's serial console with a history buffer.
 */
export class IpmiLanServer extends EventEmitter<IpmiLanServerEvents> implements BmcServices {
  readonly machine: LabMachine;
  readonly bootParams = new BootParamStore();
  readonly solConfig: SolConfig;
  readonly deviceId: DeviceId;
  readonly guid: Buffer;
  readonly history: SerialHistory;
  lastPowerOnByIpmi = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { received: 0, dropped: 0, sessionsOpened: 0, commands: 0 };

  private readonly users: UserTable;
  private readonly clock: BmcClock;
  private readonly random: (n: number) => Buffer;
  private readonly sessions: SessionTable;
  private readonly solMaxPayload: number;
  private readonly actionReplyCapMs: number;
  private sock: Socket | null = null;
  private boundPort = 0;
  private sol: SolInstance | null = null;
  private actionChain: Promise<void> = Promise.resolve();
  private readonly handshake: HandshakeHost;
  private readonly onSerial = (chunk: Buffer): void => {
    this.history.append(chunk);
    this.sol?.channel.enqueue(chunk);
  };

  constructor(private readonly opts: IpmiLanServerOptions) {
    super();
    this.machine = opts.machine;
    this.users = new UserTable(opts.users);
    this.clock = opts.clock ?? systemBmcClock;
    this.random = opts.random ?? randomBytes;
    this.guid = opts.guid ?? createHash('md5').update(`rescuebox-lab-bmc:${opts.machine.name}`).digest();
    this.history = new SerialHistory(opts.historyBytes ?? 64 * 1024);
    this.solMaxPayload = opts.solMaxPayload ?? 255;
    this.actionReplyCapMs = opts.actionReplyCapMs ?? 3000;
    this.solConfig = new SolConfig(() => this.boundPort, { count: opts.solRetryCount ?? 7, intervalMs: opts.solRetryIntervalMs ?? 100 });
    this.deviceId = {
      deviceId: 0x20,
      deviceRevision: 1,
      deviceAvailable: true,
      firmwareMajor: 1,
      firmwareMinor: 0,
      ipmiVersion: 0x02,
      // Chassis device + IPMB event receiver... only "chassis device" is true here.
      additionalSupport: 0x80,
      manufacturerId: 0,
      productId: 0x4c42, // "LB"
    };
    this.sessions = new SessionTable({
      clock: this.clock,
      maxSessions: opts.maxSessions ?? 32,
      idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
      handshakeTimeoutMs: opts.handshakeTimeoutMs ?? 10_000,
      random: this.random,
      onRemove: (s, why) => {
        if (this.sol?.owner === s) this.closeSol(false);
        this.emit('log', 'session closed', { id: s.bmcId, why });
      },
    });
    this.handshake = {
      sessions: this.sessions,
      users: this.users,
      guid: this.guid,
      random: (n) => this.random(n),
      now: () => this.clock.now(),
      sendSetup: (peer, payloadType, payload) =>
        this.send(encodeRmcpPlus({ payloadType, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload }), peer),
      log: (event, detail) => this.emit('log', event, detail),
    };
    this.machine.on('serial', this.onSerial);
  }

  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The active SOL channel's counters, for tests. */
  get solStats(): SolChannel['stats'] | undefined {
    return this.sol?.channel.stats;
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.sock) return { host: this.host, port: this.boundPort };
    const sock = createSocket({ type: 'udp4' });
    sock.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    sock.on('error', (e) => this.emit('log', 'socket error', { message: e.message }));
    await new Promise<void>((res, rej) => {
      sock.once('error', rej);
      sock.bind({ address: this.host, port: this.opts.port ?? 0, exclusive: true }, () => {
        sock.off('error', rej);
        res();
      });
    });
    this.sock = sock;
    this.boundPort = sock.address().port;
    return { host: this.host, port: this.boundPort };
  }

  async stop(): Promise<void> {
    this.sessions.clear('server stopped');
    this.machine.off('serial', this.onSerial);
    const s = this.sock;
    this.sock = null;
    if (s) await new Promise<void>((res) => s.close(() => res()));
  }

  // --- BmcServices -------------------------------------------------------

  machineAction(name: string, action: () => Promise<void>): Promise<void> {
    // One machine action at a time, in arrival order: a cycle must not interleave with an off.
    const run = this.actionChain.then(action).catch((e: unknown) => {
      this.emit('log', 'machine action failed', { action: name, message: e instanceof Error ? e.message : String(e) });
    });
    this.actionChain = run;
    let timer: ReturnType<BmcClock['setTimeout']> | undefined;
    const cap = new Promise<void>((res) => {
      timer = this.clock.setTimeout(res, this.actionReplyCapMs);
    });
    return Promise.race([run, cap]).finally(() => {
      if (timer) this.clock.clearTimeout(timer);
    });
  }

  closeSession(bmcSessionId: number, by: BmcSession): CommandResult {
    const target = this.sessions.get(bmcSessionId);
    if (!target) return { cc: CC_INVALID_SESSION_ID };
    // Closing another session needs administrator (§22.19); one's own needs nothing.
    if (target !== by && by.privilege < PRIV_ADMIN) return { cc: CC_INSUFFICIENT_PRIVILEGE };
    // Removed after the reply went out: the reply still needs this session's keys.
    return { cc: CC_OK, after: () => this.sessions.remove(bmcSessionId, 'close session') };
  }

  activateSol(by: BmcSession, instance: number, aux: number): CommandResult {
    if (instance !== SOL_INSTANCE) return { cc: CC_PAYLOAD_LIMIT };
    if (!this.solConfig.enabled) return { cc: CC_PAYLOAD_DISABLED };
    if (this.sol && this.sol.owner !== by) return { cc: CC_PAYLOAD_ALREADY_ACTIVE };
    const encrypted = (aux & SOL_AUX_ENCRYPT) !== 0;
    const authenticated = (aux & SOL_AUX_AUTHENTICATE) !== 0;
    if (encrypted && !by.keys.confidentiality) return { cc: CC_PAYLOAD_NO_ENCRYPTION_POSSIBLE };
    if (!encrypted && this.solConfig.forceEncryption) return { cc: CC_PAYLOAD_ENCRYPTION_REQUIRED };
    if (this.sol) this.closeSol(false);
    const channel = new SolChannel({
      clock: this.clock,
      maxPayload: this.solMaxPayload,
      retryIntervalMs: this.solConfig.retryInterval * 10,
      retryCount: this.solConfig.retryCount,
      send: (p) => this.sendSol(by, p),
      writeSerial: (d) => {
        this.machine.writeSerial(d);
      },
      onGiveUp: (seq) => this.emit('log', 'sol packet given up', { seq }),
    });
    this.sol = { owner: by, channel, encrypted, authenticated: authenticated && !!by.keys.integrity };
    const rsp = Buffer.alloc(12);
    rsp.writeUInt16LE(this.solMaxPayload, 4);
    rsp.writeUInt16LE(this.solMaxPayload, 6);
    rsp.writeUInt16LE(this.boundPort, 8);
    rsp.writeUInt16LE(0xffff, 10);
    // Console history first, once the console has the reply and knows SOL is up.
    return { cc: CC_OK, data: rsp, after: () => channel.enqueue(this.history.snapshot()) };
  }

  deactivateSol(_by: BmcSession, instance: number): CommandResult {
    if (instance !== SOL_INSTANCE) return { cc: CC_INVALID_DATA_FIELD };
    if (!this.sol) return { cc: CC_PAYLOAD_ALREADY_DEACTIVATED };
    // Deactivation from another session tells the owner, whose console would otherwise hang.
    const notify = this.sol.owner !== _by;
    return { cc: CC_OK, after: () => this.closeSol(notify) };
  }

  activeSolInstances(): number[] {
    return this.sol ? [SOL_INSTANCE] : [];
  }

  solOwnerSessionId(instance: number): number | undefined {
    return instance === SOL_INSTANCE ? this.sol?.owner.bmcId : undefined;
  }

  activeSessionCount(): number {
    return this.sessions.activeCount;
  }

  // --- packets -----------------------------------------------------------

  private closeSol(notify: boolean): void {
    const sol = this.sol;
    if (!sol) return;
    sol.channel.close(notify);
    this.sol = null;
  }

  private send(buf: Buffer, peer: Peer): void {
    this.sock?.send(buf, peer.port, peer.address);
  }

  private drop(why: string, peer: Peer, e?: unknown): void {
    this.stats.dropped++;
    this.emit('log', 'dropped', { why, peer, message: e instanceof Error ? e.message : undefined });
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.received++;
    const peer: Peer = { address: rinfo.address, port: rinfo.port };
    try {
      const h = decodeRmcpHeader(msg);
      if (h.messageClass === RMCP_CLASS_ASF) {
        if (msg[8] === ASF_TYPE_PING) this.onPing(msg, peer);
        return;
      }
      const peek = peekSession(msg);
      if (peek.authType !== AUTH_TYPE_RMCPPLUS) {
        this.onIpmi15(msg, peer);
        return;
      }
      if (peek.sessionId === 0) {
        this.onSetup(msg, peer);
        return;
      }
      this.onSessionPacket(msg, peer, peek.sessionId);
    } catch (e) {
      this.drop('undecodable', peer, e);
    }
  }

  private onPing(msg: Buffer, peer: Peer): void {
    const ping = decodeAsfPing(msg);
    // Entities: IPMI supported, ASF 1.0; interactions: none (§13.2.4 / ASF 2.0 table 3).
    this.send(encodeAsfPong({ tag: ping.tag, oemIana: 0x11be, oemDefined: 0, ipmiSupported: true, supportedEntities: 0x01, supportedInteractions: 0 }), peer);
  }

  /** IPMI 1.5 framing: only sessionless requests (Get Channel Auth Capabilities). */
  private onIpmi15(msg: Buffer, peer: Peer): void {
    const p = decodeIpmi15(msg);
    if (p.authType !== AUTH_TYPE_NONE || p.sessionId !== 0) {
      this.drop('IPMI 1.5 sessions are not offered', peer);
      return;
    }
    const req = decodeIpmiRequest(p.payload);
    void this.runCommand(null, req).then(({ reply, after }) => {
      this.send(encodeIpmi15({ authType: AUTH_TYPE_NONE, sessionSeq: 0, sessionId: 0, payload: reply }), peer);
      after?.();
    });
  }

  /** RMCP+ with session id 0: session setup, or a sessionless IPMI request. */
  private onSetup(msg: Buffer, peer: Peer): void {
    const p = decodeRmcpPlus(msg);
    if (p.authenticated || p.encrypted) {
      this.drop('setup packet with integrity or encryption', peer);
      return;
    }
    switch (p.payloadType) {
      case PAYLOAD_OPEN_SESSION_REQUEST:
        handleOpenSession(this.handshake, peer, p.payload);
        this.stats.sessionsOpened++;
        return;
      case PAYLOAD_RAKP1:
        handleRakp1(this.handshake, peer, p.payload);
        return;
      case PAYLOAD_RAKP3:
        handleRakp3(this.handshake, peer, p.payload);
        return;
      case PAYLOAD_IPMI: {
        const req = decodeIpmiRequest(p.payload);
        void this.runCommand(null, req).then(({ reply, after }) => {
          this.send(encodeRmcpPlus({ payloadType: PAYLOAD_IPMI, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload: reply }), peer);
          after?.();
        });
        return;
      }
      default:
        this.drop(`payload type 0x${p.payloadType.toString(16)} outside a session`, peer);
    }
  }

  private onSessionPacket(msg: Buffer, peer: Peer, id: number): void {
    const s = this.sessions.get(id);
    if (!s || s.state !== 'active') {
      this.drop('unknown or inactive session', peer);
      return;
    }
    // Integrity is checked before anything else is believed (sequence numbers included).
    const p = decodeRmcpPlus(msg, s.keys, safeEqual);
    if (s.keys.integrity && !p.authenticated) {
      this.drop('unauthenticated packet in an authenticated session', peer);
      return;
    }
    if (!s.inbound.accept(p.sessionSeq)) {
      this.drop(`sequence ${p.sessionSeq} outside the window or repeated`, peer);
      return;
    }
    // Consoles may roam ports (NAT, ipmitool's SOL reconnect); replies follow the last packet.
    s.peer.address = peer.address;
    s.peer.port = peer.port;
    this.sessions.touch(s);
    if (p.payloadType === PAYLOAD_IPMI) {
      const req = decodeIpmiRequest(p.payload);
      const encrypted = p.encrypted;
      // A console that timed out on a slow Chassis Control resends it (same rqSeq, new session
      // sequence): answer from the first execution, so a resent "power cycle" does not cycle twice.
      // Only that command: it alone is slow and not idempotent, and rqSeq wraps after 64 requests.
      const key = `${req.rqSeq}:${req.data.toString('hex')}`;
      const now = this.clock.now();
      const dedupe = req.netFn === NETFN_CHASSIS && req.cmd === CMD_CHASSIS_CONTROL;
      const prev = dedupe ? s.recentRequests.get(key) : undefined;
      const first = !prev || now - prev.at > REQUEST_DEDUPE_MS;
      const pending = first ? this.runCommand(s, req) : prev.reply;
      if (first && dedupe) {
        s.recentRequests.set(key, { at: now, reply: pending });
        for (const [k, v] of s.recentRequests) if (now - v.at > REQUEST_DEDUPE_MS) s.recentRequests.delete(k);
      }
      void pending.then(({ reply, after }) => {
        if (this.sessions.get(s.bmcId) !== s) return;
        this.send(encodeRmcpPlus({ payloadType: PAYLOAD_IPMI, encrypted, authenticated: !!s.keys.integrity, sessionId: s.consoleId, sessionSeq: s.nextSeq(), payload: reply }, s.keys), s.peer);
        if (first) after?.();
      });
      return;
    }
    if (p.payloadType === PAYLOAD_SOL) {
      if (!this.sol || this.sol.owner !== s) {
        this.drop('SOL packet without an active SOL payload', peer);
        return;
      }
      this.sol.channel.receive(decodeSol(p.payload));
      return;
    }
    this.drop(`payload type 0x${p.payloadType.toString(16)} not supported`, peer);
  }

  private sendSol(s: BmcSession, packet: SolPacket): void {
    const sol = this.sol;
    if (!sol || this.sessions.get(s.bmcId) !== s) return;
    this.send(
      encodeRmcpPlus({ payloadType: PAYLOAD_SOL, encrypted: sol.encrypted, authenticated: sol.authenticated, sessionId: s.consoleId, sessionSeq: s.nextSeq(), payload: encodeSol(packet) }, s.keys),
      s.peer,
    );
  }

  private async runCommand(s: BmcSession | null, req: IpmiRequest): Promise<{ reply: Buffer; after?: () => void }> {
    this.stats.commands++;
    const r = await executeCommand({ session: s, services: this }, req.netFn, req.cmd, req.data);
    const reply = encodeIpmiResponse({
      rqAddr: req.rqAddr,
      netFn: req.netFn + 1,
      rqLun: req.rqLun,
      rsAddr: req.rsAddr,
      rqSeq: req.rqSeq,
      rsLun: req.rsLun,
      cmd: req.cmd,
      completionCode: r.cc,
      data: r.data ?? Buffer.alloc(0),
    });
    return r.after ? { reply, after: r.after } : { reply };
  }
}

