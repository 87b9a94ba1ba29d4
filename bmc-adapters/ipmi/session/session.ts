import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Backoff } from '../../backoff.ts';
import { DecodeError } from '../../errors.ts';
import { CMD_CLOSE_SESSION, CMD_GET_CHANNEL_AUTH_CAP, CMD_GET_DEVICE_ID, CMD_SET_SESSION_PRIVILEGE, NETFN_APP, PRIV_ADMIN, PRIV_USER } from '../codec/commands/netfn.ts';
import { decodeChannelAuthCapResponse, encodeChannelAuthCapRequest, type ChannelAuthCap } from '../codec/commands/channel-auth.ts';
import { decodeSetSessionPrivilegeResponse, encodeCloseSessionRequest, encodeSetSessionPrivilegeRequest } from '../codec/commands/session-cmds.ts';
import { completionCodeName } from '../codec/completion-codes.ts';
import { AUTH_TYPE_NONE, AUTH_TYPE_RMCPPLUS, decodeIpmi15, encodeIpmi15 } from '../codec/ipmi15.ts';
import { BMC_SLAVE_ADDR, REMOTE_CONSOLE_SWID, decodeIpmiResponse, encodeIpmiRequest, type IpmiResponse } from '../codec/ipmi-message.ts';
import { decodeRmcpHeader, RMCP_CLASS_IPMI } from '../codec/rmcp.ts';
import { PAYLOAD_IPMI, decodeRmcpPlus, encodeRmcpPlus, peekSession, type RmcpPlusKeys } from '../codec/rmcpplus.ts';
import { safeEqual } from '../crypto/rakp-crypto.ts';
import type { CipherSuite } from '../crypto/cipher-suites.ts';
import { realClock, type Clock, type TimerHandle } from './clock.ts';
import { IpmiError } from './errors.ts';
import { checkAuthCap, runHandshake, type HandshakeResult } from './handshake.ts';
import { SeqWindow } from './seq-window.ts';
import type { Workaround } from './workarounds.ts';

/** How a session reaches its BMC: the UDP pool, or a scripted fake in tests. */
export interface SessionLink {
  send(buf: Buffer): void;
  /** A console session id no other session on the same pool uses (the pool demultiplexes on it). */
  allocateSessionId(): number;
  releaseSessionId(id: number): void;
}

export interface SessionOptions {
  username: string;
  password: string | Buffer;
  /** BMC key Kg; omitted = Kuid, as on most BMCs. */
  kg?: Buffer;
  /** Proposed in order; default [17, 3]. */
  cipherSuites?: number[];
  /**
   * Privilege to request; default 4 (administrator). It is the session's ceiling (Open Session,
   * RAKP1); Set Session Privilege Level raises the session to it before the first request that
   * needs more than USER, the level every session starts at (§22.18).
   */
  privilege?: number;
  /** Allow suites without integrity + AES (and a BMC that claims no IPMI 2.0). Off by default. */
  allowInsecure?: boolean;
  workarounds?: Iterable<Workaround>;
  clock?: Clock;
  random?: (n: number) => Buffer;
  /** First retransmit timeout and per-step handshake timeout; default 1000 ms. */
  timeoutMs?: number;
  /** Request retransmissions after the first send; default 3. */
  retries?: number;
  /** Full handshakes tried before giving up; default 3. */
  handshakeAttempts?: number;
  /** Idle period before a keepalive Get Device ID; default 30000 ms; 0 disables. */
  keepaliveMs?: number;
  /** Set the name-only lookup bit in RAKP1 (what ipmitool and FreeIPMI do); default true. */
  nameOnlyLookup?: boolean;
}

export type SessionState = 'idle' | 'handshake' | 'active' | 'closed';

/** What arrives, already decoded, for the waiters. */
export type Inbound = { kind: 'ipmi15'; msg: IpmiResponse } | { kind: 'setup'; payloadType: number; payload: Buffer } | { kind: 'ipmi'; msg: IpmiResponse };

export interface SessionEvents {
  /** A session payload other than an IPMI message (SOL), in arrival order, duplicates removed. */
  payload: [payloadType: number, payload: Buffer, sessionDuplicate: boolean];
  /** The session died (keepalive failed / BMC stopped answering). A later request logs in again. */
  lost: [reason: string];
  active: [];
  warning: [message: string];
}

interface Waiter {
  match(p: Inbound): boolean;
  resolve(p: Inbound): void;
  reject(e: Error): void;
}

export interface RequestOptions {
  timeoutMs?: number;
  retries?: number;
  /** Do not log in again on timeout (used by the keepalive, close, and the handshake itself). */
  noRelogin?: boolean;
  /**
   * The lowest session privilege the command needs (IPMI v2.0 appendix G); default the session's
   * `privilege`, so a command nobody classified always runs at the full requested level.
   */
  privilege?: number;
}

export interface CloseOptions {
  /** Close Session's retransmit timeout; default the session's `timeoutMs`. */
  timeoutMs?: number;
  /** Close Session retransmissions; default 1. */
  retries?: number;
  /**
   * false: send Close Session once and do not wait for its reply (a process about to exit). Without
   * retransmissions the reply changes nothing: the BMC got the request or it did not. Default true.
   */
  awaitReply?: boolean;
}

export interface Resolved {
  username: Buffer;
  password: Buffer;
  kg?: Buffer;
  suites: number[];
  privilege: number;
  allowInsecure: boolean;
  workarounds: ReadonlySet<Workaround>;
  clock: Clock;
  random: (n: number) => Buffer;
  timeoutMs: number;
  retries: number;
  handshakeAttempts: number;
  keepaliveMs: number;
  nameOnlyLookup: boolean;
}

/** randomBytes(n) served from a pooled CSPRNG buffer (RAKP1's console random): one syscall per 4 KiB. */
let randomPool = Buffer.alloc(0);
let randomAt = 0;
function pooledRandom(n: number): Buffer {
  if (n > 256) return randomBytes(n);
  if (randomAt + n > randomPool.length) {
    randomPool = randomBytes(4096);
    randomAt = 0;
  }
  randomAt += n;
  return randomPool.subarray(randomAt - n, randomAt);
}

export class IpmiSession extends EventEmitter<SessionEvents> {
  state: SessionState = 'idle';
  /** The suite in use once active. */
  suite: CipherSuite | undefined;
  authCap: ChannelAuthCap | undefined;
  readonly opts: Resolved;
  readonly stats = { sent: 0, received: 0, dropped: 0, duplicates: 0, retransmits: 0, handshakes: 0, decodeErrors: 0 };
  consoleSessionId = 0;
  bmcSessionId = 0;
  /** The privilege the active session runs at: USER (or the ceiling if lower) until raised. */
  sessionPrivilege = 0;
  private raising: Promise<void> | undefined;
  private keys: RmcpPlusKeys = {};
  private outSeq = 0;
  private readonly window = new SeqWindow();
  private rqSeq = 0;
  private tagCounter = 0;
  private readonly waiters = new Set<Waiter>();
  private opening: Promise<void> | undefined;
  private keepaliveTimer: TimerHandle | undefined;
  private lastActivity = 0;

  constructor(
    private readonly link: SessionLink,
    options: SessionOptions,
  ) {
    super();
    const pw = typeof options.password === 'string' ? Buffer.from(options.password, 'utf8') : options.password;
    if (pw.length > 20) throw new RangeError('IPMI 2.0 passwords are at most 20 bytes');
    const username = Buffer.from(options.username, 'utf8');
    if (username.length > 16) throw new RangeError('IPMI user names are at most 16 bytes');
    this.opts = {
      username,
      password: pw,
      suites: options.cipherSuites ?? [17, 3],
      privilege: options.privilege ?? PRIV_ADMIN,
      allowInsecure: options.allowInsecure ?? false,
      workarounds: new Set(options.workarounds ?? []),
      clock: options.clock ?? realClock,
      random: options.random ?? pooledRandom,
      timeoutMs: options.timeoutMs ?? 1000,
      retries: options.retries ?? 3,
      handshakeAttempts: options.handshakeAttempts ?? 3,
      keepaliveMs: options.keepaliveMs ?? 30000,
      nameOnlyLookup: options.nameOnlyLookup ?? true,
    };
    if (options.kg) this.opts.kg = options.kg;
  }

  /** A method, not a field test, so TypeScript does not narrow `state` across awaits. */
  isClosed(): boolean {
    return this.state === 'closed';
  }

  has(w: Workaround): boolean {
    return this.opts.workarounds.has(w);
  }

  nextTag(): number {
    this.tagCounter = (this.tagCounter + 1) & 0xff;
    return this.tagCounter;
  }

  // ---------------------------------------------------------------- inbound

  /** Feeds one datagram from the BMC. Never throws: bad packets are counted and dropped. */
  receive(buf: Buffer): void {
    this.stats.received++;
    let inbound: Inbound | undefined;
    try {
      inbound = this.decode(buf);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.stats.decodeErrors++;
      this.emit('warning', `dropped packet: ${e.message}`);
      return;
    }
    if (!inbound) {
      this.stats.dropped++;
      return;
    }
    this.lastActivity = this.opts.clock.now();
    for (const w of this.waiters) {
      if (w.match(inbound)) {
        this.waiters.delete(w);
        w.resolve(inbound);
        return;
      }
    }
    this.stats.dropped++; // late answer to a retransmitted request, or unsolicited
  }

  private decode(buf: Buffer): Inbound | undefined {
    const h = decodeRmcpHeader(buf);
    if (h.messageClass !== RMCP_CLASS_IPMI) return undefined; // ASF pong etc.
    const peek = peekSession(buf);
    if (peek.authType !== AUTH_TYPE_RMCPPLUS) {
      const p = decodeIpmi15(buf);
      // Only the sessionless Get Channel Auth Capabilities is expected in 1.5 framing.
      if (p.sessionId !== 0) return undefined;
      return { kind: 'ipmi15', msg: decodeIpmiResponse(p.payload, { verifyChk2: !this.has('nochecksumcheck') }) };
    }
    if (peek.payloadType !== undefined && peek.payloadType >= 0x10 && peek.payloadType <= 0x15) {
      const p = decodeRmcpPlus(buf);
      return { kind: 'setup', payloadType: p.payloadType, payload: p.payload };
    }
    if (this.state !== 'active' && this.state !== 'handshake') return undefined;
    if (peek.sessionId !== this.consoleSessionId || this.consoleSessionId === 0) return undefined;
    const p = decodeRmcpPlus(buf, this.keys, safeEqual);
    // Once integrity/confidentiality are negotiated, a packet without them is forged or stray (§13.28).
    if ((this.keys.integrity && !p.authenticated) || (this.keys.confidentiality && !p.encrypted)) {
      this.emit('warning', 'dropped a session packet without the negotiated integrity/encryption');
      return undefined;
    }
    if (!this.window.accept(p.sessionSeq)) {
      this.stats.duplicates++;
      // Some BMCs (ipmi_sim) resend an unacknowledged SOL packet as the identical datagram, same
      // session sequence number. Dropping it would leave our lost ACK unrepaired until the BMC
      // gives up, so SOL gets to see it, flagged: it may only trigger a re-ACK, never deliver data.
      if (p.payloadType !== PAYLOAD_IPMI) this.emit('payload', p.payloadType, p.payload, true);
      return undefined;
    }
    if (p.payloadType === PAYLOAD_IPMI) return { kind: 'ipmi', msg: decodeIpmiResponse(p.payload, { verifyChk2: !this.has('nochecksumcheck') }) };
    // SOL and other payloads go to listeners; a BMC may send SOL before the Activate reply.
    this.lastActivity = this.opts.clock.now();
    this.emit('payload', p.payloadType, p.payload, false);
    return undefined;
  }

  /**
   * Waits for a matching inbound packet; registered before the send so synchronous peers work.
   * `what` names the request in the timeout error (a function: built only if it times out).
   */
  wait(match: (p: Inbound) => boolean, timeoutMs: number, what: string | (() => string)): { promise: Promise<Inbound>; cancel(): void } {
    const t: { timer?: TimerHandle } = {};
    let waiter!: Waiter;
    const promise = new Promise<Inbound>((resolve, reject) => {
      waiter = {
        match,
        resolve: (p) => {
          t.timer?.cancel();
          resolve(p);
        },
        reject: (e) => {
          t.timer?.cancel();
          reject(e);
        },
      };
    });
    this.waiters.add(waiter);
    t.timer = this.opts.clock.setTimeout(() => {
      this.waiters.delete(waiter);
      waiter.reject(new IpmiError('E_IPMI_TIMEOUT', `no answer to ${typeof what === 'string' ? what : what()} within ${timeoutMs} ms`));
    }, timeoutMs);
    return {
      promise,
      cancel: () => {
        this.waiters.delete(waiter);
        t.timer?.cancel();
      },
    };
  }

  // ---------------------------------------------------------------- outbound

  /** Sends a setup/sessionless RMCP+ packet (session id 0, seq 0, no keys). */
  sendSetup(payloadType: number, payload: Buffer): void {
    this.transmit(encodeRmcpPlus({ payloadType, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload }));
  }

  /** Sends a payload inside the session: a fresh sequence number for every transmission (§6.12.13). */
  sendPayload(payloadType: number, payload: Buffer): void {
    if (this.state !== 'active' && this.state !== 'handshake') throw new IpmiError('E_IPMI_CLOSED', 'session is not active');
    this.outSeq = (this.outSeq + 1) >>> 0 || 1;
    const suite = this.suite;
    const authenticated = !!this.keys.integrity;
    const encrypted = !!this.keys.confidentiality && suite !== undefined;
    this.transmit(encodeRmcpPlus({ payloadType, encrypted, authenticated, sessionId: this.bmcSessionId, sessionSeq: this.outSeq, payload }, this.keys));
  }

  private transmit(buf: Buffer): void {
    this.stats.sent++;
    this.link.send(buf);
  }

  private nextRqSeq(): number {
    this.rqSeq = (this.rqSeq + 1) & 0x3f;
    return this.rqSeq;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Logs in (or returns at once when active). Concurrent callers share one handshake.
   * `privilege` (default: the session's `privilege`) is what the caller needs next: above USER,
   * Set Session Privilege Level is part of the login; at USER or below it is skipped.
   */
  async open(privilege = this.opts.privilege): Promise<void> {
    if (this.state === 'closed') throw new IpmiError('E_IPMI_CLOSED', 'session closed');
    if (this.state !== 'active') {
      this.opening ??= this.login().finally(() => {
        this.opening = undefined;
      });
      await this.opening;
    }
    if (!this.needsRaise(privilege)) return;
    try {
      await this.raisePrivilege();
    } catch (e) {
      // Refused or unanswered: free the BMC's session slot instead of leaving it to time out.
      await this.logout({ retries: 0 });
      throw e;
    }
  }

  /** Whether a request needing `privilege` must first raise the session (never above its ceiling). */
  private needsRaise(privilege: number): boolean {
    return this.sessionPrivilege < Math.min(privilege, this.opts.privilege);
  }

  /** Set Session Privilege Level to the session's `privilege`, once, shared by concurrent callers. */
  private raisePrivilege(): Promise<void> {
    this.raising ??= this.setPrivilege().finally(() => {
      this.raising = undefined;
    });
    return this.raising;
  }

  private async login(): Promise<void> {
    this.state = 'handshake';
    try {
      await checkAuthCap(this);
      for (let attempt = 1; ; attempt++) {
        this.stats.handshakes++;
        try {
          const r: HandshakeResult = await runHandshake(this);
          if (this.state !== 'handshake') throw new IpmiError('E_IPMI_CLOSED', 'session closed during login');
          this.suite = r.suite;
          this.keys = r.keys;
          this.bmcSessionId = r.bmcSessionId;
          this.outSeq = 0;
          this.window.reset();
          this.state = 'active';
          // Every session starts at USER, or at its ceiling when that is lower (§22.18).
          this.sessionPrivilege = Math.min(PRIV_USER, this.opts.privilege);
          break;
        } catch (e) {
          if (this.isClosed()) throw e;
          this.forgetSession();
          this.state = 'handshake';
          // A lost packet anywhere in setup restarts everything: RAKP1/RAKP3 are never resent alone,
          // because a BMC that saw them has already moved its state machine on.
          if (e instanceof IpmiError && e.code === 'E_IPMI_TIMEOUT' && attempt < this.opts.handshakeAttempts) continue;
          throw e;
        }
      }
    } catch (e) {
      if (!this.isClosed()) {
        this.state = 'idle';
        this.forgetSession();
      }
      throw e;
    }
    this.lastActivity = this.opts.clock.now();
    this.scheduleKeepalive();
    this.emit('active');
  }

  private async setPrivilege(): Promise<void> {
    const r = await this.requestRaw(NETFN_APP, CMD_SET_SESSION_PRIVILEGE, encodeSetSessionPrivilegeRequest(this.opts.privilege), { noRelogin: true });
    if (r.completionCode !== 0) {
      throw new IpmiError('E_IPMI_PRIVILEGE', `Set Session Privilege Level ${this.opts.privilege} refused: ${completionCodeName(r.completionCode, NETFN_APP, CMD_SET_SESSION_PRIVILEGE)}`, { completionCode: r.completionCode });
    }
    const got = r.data.length > 0 ? decodeSetSessionPrivilegeResponse(r.data) : this.opts.privilege;
    if (got < this.opts.privilege) throw new IpmiError('E_IPMI_PRIVILEGE', `BMC set privilege ${got}, below the requested ${this.opts.privilege}`);
    this.sessionPrivilege = got;
  }

  /** Allocates a fresh console session id for a new handshake attempt. */
  renewConsoleSessionId(): number {
    if (this.consoleSessionId) this.link.releaseSessionId(this.consoleSessionId);
    this.consoleSessionId = this.link.allocateSessionId();
    return this.consoleSessionId;
  }

  private forgetSession(): void {
    this.keepaliveTimer?.cancel();
    this.keepaliveTimer = undefined;
    this.keys = {};
    this.suite = undefined;
    this.bmcSessionId = 0;
    this.sessionPrivilege = 0;
    if (this.consoleSessionId) this.link.releaseSessionId(this.consoleSessionId);
    this.consoleSessionId = 0;
  }

  /** Declares the session dead; the next request logs in again. */
  markLost(reason: string): void {
    if (this.state !== 'active') return;
    this.state = 'idle';
    this.forgetSession();
    this.emit('lost', reason);
  }

  private scheduleKeepalive(): void {
    const every = this.opts.keepaliveMs;
    if (!every) return;
    this.keepaliveTimer?.cancel();
    const due = Math.max(1, this.lastActivity + every - this.opts.clock.now());
    this.keepaliveTimer = this.opts.clock.setTimeout(() => {
      this.keepaliveTimer = undefined;
      if (this.state !== 'active') return;
      if (this.opts.clock.now() - this.lastActivity < every) return this.scheduleKeepalive();
      this.requestRaw(NETFN_APP, CMD_GET_DEVICE_ID, Buffer.alloc(0), { noRelogin: true }).then(
        () => this.scheduleKeepalive(),
        (e: unknown) => this.markLost(`keepalive failed: ${(e as Error).message}`),
      );
    }, due);
  }

  /**
   * Close Session (best effort; by default one retransmission after the session's timeout) but stay
   * usable: the next request logs in again. A CLI about to exit passes `awaitReply: false`.
   */
  async logout(o: CloseOptions = {}): Promise<void> {
    if (this.state !== 'active') return;
    try {
      if (o.awaitReply === false) this.sendPayload(PAYLOAD_IPMI, this.ipmiRequest(NETFN_APP, CMD_CLOSE_SESSION, encodeCloseSessionRequest(this.bmcSessionId), this.nextRqSeq()));
      else await this.requestRaw(NETFN_APP, CMD_CLOSE_SESSION, encodeCloseSessionRequest(this.bmcSessionId), { noRelogin: true, retries: o.retries ?? 1, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
    } catch {
      // The BMC forgets idle sessions anyway; nothing more to do.
    }
    if (this.state === 'active') {
      this.state = 'idle';
      this.forgetSession();
    }
  }

  /** Close Session (best effort), then stop for good. Idempotent. */
  async close(o: CloseOptions = {}): Promise<void> {
    if (this.state === 'closed') return;
    await this.logout(o);
    this.state = 'closed';
    this.forgetSession();
    if (this.waiters.size === 0) return; // the common case: no error object (and stack) to build
    const err = new IpmiError('E_IPMI_CLOSED', 'session closed');
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w.reject(err);
    }
  }

  // ---------------------------------------------------------------- requests

  /** Sessionless Get Channel Authentication Capabilities in IPMI 1.5 framing (§22.13). */
  async getChannelAuthCap(): Promise<ChannelAuthCap> {
    const backoff = new Backoff({ initialMs: this.opts.timeoutMs, maxMs: this.opts.timeoutMs * 2, jitter: 0 });
    for (let attempt = 0; ; attempt++) {
      const rqSeq = this.nextRqSeq();
      const w = this.wait((p) => p.kind === 'ipmi15' && p.msg.rqSeq === rqSeq && p.msg.cmd === CMD_GET_CHANNEL_AUTH_CAP, backoff.next(), 'Get Channel Authentication Capabilities');
      const msg = encodeIpmiRequest({ rsAddr: BMC_SLAVE_ADDR, netFn: NETFN_APP, rsLun: 0, rqAddr: REMOTE_CONSOLE_SWID, rqSeq, rqLun: 0, cmd: CMD_GET_CHANNEL_AUTH_CAP, data: encodeChannelAuthCapRequest({ channel: 0x0e, ipmi20: true, maxPrivilege: this.opts.privilege }) });
      this.transmit(encodeIpmi15({ authType: AUTH_TYPE_NONE, sessionSeq: 0, sessionId: 0, payload: msg }));
      try {
        const p = await w.promise;
        if (p.kind !== 'ipmi15') continue;
        if (p.msg.completionCode !== 0) throw new IpmiError('E_IPMI_CC', `Get Channel Authentication Capabilities: ${completionCodeName(p.msg.completionCode)}`, { completionCode: p.msg.completionCode });
        this.authCap = decodeChannelAuthCapResponse(p.msg.data);
        return this.authCap;
      } catch (e) {
        if (!(e instanceof IpmiError) || e.code !== 'E_IPMI_TIMEOUT' || attempt >= this.opts.retries) throw e;
        this.stats.retransmits++;
      }
    }
  }

  /** One IPMI request inside the session, retransmitted with backoff; returns completion code and data. */
  async requestRaw(netFn: number, cmd: number, data: Buffer, o: RequestOptions = {}): Promise<{ completionCode: number; data: Buffer }> {
    const privilege = o.privilege ?? this.opts.privilege;
    if (this.state !== 'active') {
      if (o.noRelogin) throw new IpmiError('E_IPMI_CLOSED', 'session is not active');
      await this.open(privilege);
    } else if (!o.noRelogin && this.needsRaise(privilege)) await this.raisePrivilege();
    try {
      return await this.requestOnce(netFn, cmd, data, o);
    } catch (e) {
      // No answer at all usually means the BMC dropped the session (idle timeout): log in again once.
      if (o.noRelogin || !(e instanceof IpmiError) || e.code !== 'E_IPMI_TIMEOUT' || this.state !== 'active') throw e;
      this.markLost(`no answer to netFn 0x${netFn.toString(16)} cmd 0x${cmd.toString(16)}; logging in again`);
      await this.open(privilege);
      return this.requestOnce(netFn, cmd, data, o);
    }
  }

  /** Like requestRaw but a non-zero completion code becomes E_IPMI_CC. */
  async request(netFn: number, cmd: number, data: Buffer, o: RequestOptions = {}): Promise<Buffer> {
    const r = await this.requestRaw(netFn, cmd, data, o);
    if (r.completionCode !== 0) {
      throw new IpmiError('E_IPMI_CC', `netFn 0x${netFn.toString(16)} cmd 0x${cmd.toString(16)}: ${completionCodeName(r.completionCode, netFn, cmd)} (0x${r.completionCode.toString(16)})`, { completionCode: r.completionCode });
    }
    return r.data;
  }

  private ipmiRequest(netFn: number, cmd: number, data: Buffer, rqSeq: number): Buffer {
    return encodeIpmiRequest({ rsAddr: BMC_SLAVE_ADDR, netFn, rsLun: 0, rqAddr: REMOTE_CONSOLE_SWID, rqSeq, rqLun: 0, cmd, data });
  }

  private async requestOnce(netFn: number, cmd: number, data: Buffer, o: RequestOptions): Promise<{ completionCode: number; data: Buffer }> {
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const retries = o.retries ?? this.opts.retries;
    // Same rqSeq on every retransmission so the BMC can recognise a duplicate command (§6.12.14).
    const rqSeq = this.nextRqSeq();
    const msg = this.ipmiRequest(netFn, cmd, data, rqSeq);
    const rsNetFn = netFn | 1;
    const match = (p: Inbound): boolean => p.kind === 'ipmi' && p.msg.rqSeq === rqSeq && p.msg.cmd === cmd && p.msg.netFn === rsNetFn;
    const what = (): string => `netFn 0x${netFn.toString(16)} cmd 0x${cmd.toString(16)}`;
    for (let attempt = 0; ; attempt++) {
      // Timeout doubles once, then stays (timeoutMs, 2x, 2x, ...).
      const w = this.wait(match, attempt === 0 ? timeoutMs : timeoutMs * 2, what);
      try {
        this.sendPayload(PAYLOAD_IPMI, msg);
      } catch (e) {
        w.cancel();
        throw e;
      }
      try {
        const p = await w.promise;
        if (p.kind !== 'ipmi') continue;
        this.lastActivity = this.opts.clock.now();
        return { completionCode: p.msg.completionCode, data: p.msg.data };
      } catch (e) {
        if (!(e instanceof IpmiError) || e.code !== 'E_IPMI_TIMEOUT' || attempt >= retries) throw e;
        this.stats.retransmits++;
      }
    }
  }
}
