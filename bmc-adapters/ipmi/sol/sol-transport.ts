import { EventEmitter } from 'node:events';
import { Backoff, type BackoffOptions } from '../../backoff.ts';
import type { ConsoleTransport, ConsoleTransportEvents, TransportState } from '../../console-transport.ts';
import { IpmiClient, type ClientOptions } from '../client.ts';
import { CC_INVALID_COMMAND, CC_PAYLOAD_ALREADY_ACTIVE } from '../codec/completion-codes.ts';
import { CMD_ACTIVATE_PAYLOAD, CMD_DEACTIVATE_PAYLOAD, CMD_GET_PAYLOAD_ACTIVATION_STATUS, CMD_GET_PAYLOAD_INSTANCE_INFO, NETFN_APP } from '../codec/commands/netfn.ts';
import {
  SOL_AUX_AUTHENTICATE,
  SOL_AUX_ENCRYPT,
  decodeActivatePayloadResponse,
  decodePayloadInstanceInfoResponse,
  decodePayloadStatusResponse,
  encodeActivatePayloadRequest,
  encodeDeactivatePayloadRequest,
  encodePayloadInstanceInfoRequest,
  encodePayloadStatusRequest,
} from '../codec/commands/payload.ts';
import { PAYLOAD_SOL } from '../codec/rmcpplus.ts';
import { SOL_OP_GENERATE_BREAK, SOL_ST_CHAR_UNAVAILABLE, SOL_ST_DEACTIVATED, SOL_ST_NACK, decodeSol, encodeSol, type SolPacket } from '../codec/sol.ts';
import { DecodeError } from '../../errors.ts';
import { realClock, type TimerHandle } from '../session/clock.ts';
import { IpmiError } from '../session/errors.ts';
import { SolInboundFilter, type SolInboundVerdict } from './sol-inbound.ts';

export interface SolOptions extends ClientOptions {
  /** Deactivate an SOL instance another session holds, on the first open only (never on reconnect). */
  steal?: boolean;
  instance?: number;
  /** Wait for an ACK before resending a packet; default 500 ms. */
  retransmitMs?: number;
  /** Resends of one packet before its bytes are dropped; default 4 (some BMCs never ACK a resent packet). */
  maxRetransmits?: number;
  /** Period of the Get Payload Activation Status check that notices a stolen SOL; default 10000 ms, 0 = off. */
  statusCheckMs?: number;
  reconnect?: BackoffOptions;
  /** Builds the client instead of attaching to the UDP pool (tests inject a scripted BMC). */
  clientFactory?: () => Promise<IpmiClient>;
}

/** Errors after which retrying cannot help: open() rejects instead of reconnecting. */
const FATAL = new Set(['E_IPMI_AUTH', 'E_IPMI_INSECURE', 'E_IPMI_SUITE', 'E_IPMI_PRIVILEGE', 'E_IPMI_SOL', 'E_IPMI_CC']);

interface Inflight {
  seq: number;
  data: Buffer;
  op: number;
  tries: number;
  timer: TimerHandle | undefined;
}

/**
 * IPMI Serial-over-LAN (IPMI v2.0 §15, §24) as a ConsoleTransport: one packet in flight,
 * ACK/NACK with partial accept, bounded retransmits, dedupe of the BMC's resends.
 */
export class SolTransport extends EventEmitter<ConsoleTransportEvents> implements ConsoleTransport {
  readonly description: string;
  state: TransportState = 'idle';
  readonly stats = { packetsOut: 0, retransmits: 0, dropped: 0, duplicatesIn: 0, lateIn: 0, bytesIn: 0, bytesOut: 0, reconnects: 0 };
  private client: IpmiClient | undefined;
  private readonly backoff: Backoff;
  private readonly queue: Buffer[] = [];
  private inflight: Inflight | undefined;
  private breakPending = false;
  /**
   * After activation, one packet without data goes first: ipmi_sim keeps the last packet
   * sequence number across activations and silently drops a new console's first packet if
   * its number matches, so we spend one number on nothing before sending characters.
   */
  private syncPending = false;
  /** Set while the BMC said "character transfer unavailable". */
  private paused = false;
  private outSeq = 0;
  /** Recognises the BMC's resends and late copies of its packets (sol-inbound.ts). */
  private readonly inbound = new SolInboundFilter({ now: () => (this.client?.session.opts.clock ?? this.o.clock ?? realClock).now() });
  private maxChunk = 200;
  private firstOpen = true;
  private reconnectTimer: TimerHandle | undefined;
  private statusTimer: TimerHandle | undefined;
  private openWaiters: { resolve(): void; reject(e: Error): void }[] = [];
  private readonly instance: number;
  private statusSupported = true;
  /** Only a console that activated SOL may deactivate it on close (never someone else's). */
  private activated = false;
  private instanceInfoSupported = true;
  /** Owner session id right after our activation; a change means someone stole the instance. */
  private ownerId: number | undefined;

  constructor(private readonly o: SolOptions) {
    super();
    this.description = `ipmi-sol ${o.host}:${o.port ?? 623}`;
    this.instance = o.instance ?? 1;
    this.backoff = new Backoff(o.reconnect ?? { initialMs: 500, maxMs: 10000 });
  }

  private setState(state: TransportState, reason?: string, retryInMs?: number): void {
    this.state = state;
    const ev: { state: TransportState; reason?: string; retryInMs?: number } = { state };
    if (reason !== undefined) ev.reason = reason;
    if (retryInMs !== undefined) ev.retryInMs = retryInMs;
    this.emit('state', ev);
  }

  open(): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(new IpmiError('E_IPMI_CLOSED', 'SOL transport closed'));
    const p = new Promise<void>((resolve, reject) => this.openWaiters.push({ resolve, reject }));
    if (this.state === 'idle') {
      this.setState('connecting');
      void this.attempt();
    }
    return p;
  }

  private get clock() {
    if (!this.client) throw new Error('no client');
    return this.client.session.opts.clock;
  }

  private async attempt(): Promise<void> {
    try {
      await this.connect();
      if (this.isClosed()) return;
      this.backoff.reset();
      this.firstOpen = false;
      this.setState('open');
      for (const w of this.openWaiters.splice(0)) w.resolve();
      this.scheduleStatusCheck();
      this.pump();
    } catch (e) {
      if (this.isClosed()) return;
      const err = e instanceof Error ? e : new Error(String(e));
      const code = (err as { code?: string }).code ?? '';
      if (FATAL.has(code) && this.openWaiters.length > 0) {
        // Release the BMC (deactivate, close session) before the caller hears about it.
        await this.teardown();
        this.setState('closed', err.message);
        for (const w of this.openWaiters.splice(0)) w.reject(err);
        return;
      }
      this.scheduleReconnect(err.message);
    }
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private scheduleReconnect(reason: string): void {
    if (this.isClosed() || this.reconnectTimer) return;
    this.statusTimer?.cancel();
    this.dropInflight();
    // Whatever happened, the instance may now be someone else's: never deactivate it on close.
    this.activated = false;
    const delay = this.backoff.next();
    this.setState('reconnecting', reason, delay);
    this.stats.reconnects++;
    const clock = this.client?.session.opts.clock ?? this.o.clock ?? realClock;
    this.reconnectTimer = clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.attempt();
    }, delay);
  }

  private async connect(): Promise<void> {
    if (!this.client) {
      this.client = await (this.o.clientFactory ? this.o.clientFactory() : IpmiClient.create(this.o));
      this.client.session.on('payload', (type, payload, duplicate) => {
        if (type === PAYLOAD_SOL) this.onSol(payload, duplicate);
      });
      this.client.session.on('lost', (reason) => {
        if (this.state === 'open') this.scheduleReconnect(`IPMI session lost: ${reason}`);
      });
      this.client.session.on('warning', (m) => this.emit('warning', m));
    }
    const s = this.client.session;
    // Reconnecting: end the old BMC session properly rather than leak it until its idle timeout.
    if (s.state === 'active' && !this.firstOpen) await s.logout();
    await s.open();
    const has = (w: Parameters<typeof s.has>[0]) => s.has(w);
    if (!has('solstatus') && this.statusSupported) {
      const r = await s.requestRaw(NETFN_APP, CMD_GET_PAYLOAD_ACTIVATION_STATUS, encodePayloadStatusRequest(PAYLOAD_SOL));
      // "Invalid command" is an unambiguous "not implemented" (pyghmi): carry on without it.
      if (r.completionCode === CC_INVALID_COMMAND) this.statusSupported = false;
      else if (r.completionCode === 0 && decodePayloadStatusResponse(r.data).active.includes(this.instance)) await this.takeOver('Get Payload Activation Status reports it active');
    }
    const suite = s.suite;
    const aux = (suite?.confidentiality ? SOL_AUX_ENCRYPT : 0) | (suite?.integrity ? SOL_AUX_AUTHENTICATE : 0);
    const activate = () => {
      // A new activation numbers afresh. Forget before asking: SOL data may beat the reply.
      this.inbound.reset();
      return s.requestRaw(NETFN_APP, CMD_ACTIVATE_PAYLOAD, encodeActivatePayloadRequest({ payloadType: PAYLOAD_SOL, instance: this.instance, aux }));
    };
    let r = await activate();
    if (r.completionCode === CC_PAYLOAD_ALREADY_ACTIVE) {
      // A lost reply + our retransmit makes BMCs that do not dedupe by rqSeq (ipmi_sim) say
      // "already active" about our own activation: recognise our session id and redo it.
      const owner = await this.instanceOwner();
      if (owner !== undefined && owner === s.bmcSessionId) await this.deactivate();
      else await this.takeOver('Activate Payload says it is active on another session');
      r = await activate();
    }
    if (r.completionCode !== 0) {
      throw new IpmiError('E_IPMI_SOL', `Activate Payload (SOL) failed: completion code 0x${r.completionCode.toString(16)}`, { completionCode: r.completionCode });
    }
    this.activated = true;
    const a = decodeActivatePayloadResponse(r.data);
    if (has('solpayloadsize')) this.maxChunk = 200;
    else if (a.inboundPayloadSize < 5) throw new IpmiError('E_IPMI_SOL', `BMC reports an SOL payload size of ${a.inboundPayloadSize}; if it is wrong, use the solpayloadsize workaround`);
    else this.maxChunk = Math.min(a.inboundPayloadSize - 4, 1020);
    const port = this.o.port ?? 623;
    if (!has('solport') && a.port !== port) {
      throw new IpmiError('E_IPMI_SOL', `BMC asks for SOL on UDP port ${a.port} (session on ${port}); separate SOL ports are not implemented: use the solport workaround if the BMC mis-reports it`);
    }
    this.syncPending = true;
    this.ownerId = await this.instanceOwner();
  }

  /** Session id the BMC says holds our instance, or undefined when it cannot tell (0xc1 etc.). */
  private async instanceOwner(): Promise<number | undefined> {
    const s = this.client?.session;
    if (!s || !this.instanceInfoSupported) return undefined;
    const r = await s.requestRaw(NETFN_APP, CMD_GET_PAYLOAD_INSTANCE_INFO, encodePayloadInstanceInfoRequest({ payloadType: PAYLOAD_SOL, instance: this.instance }), { noRelogin: true });
    if (r.completionCode !== 0) {
      this.instanceInfoSupported = false;
      return undefined;
    }
    return decodePayloadInstanceInfoResponse(r.data).sessionId;
  }

  private async takeOver(why: string): Promise<void> {
    // Our own stale instance (our previous session died with SOL active) may always be reclaimed.
    const owner = this.ownerId !== undefined ? await this.instanceOwner().catch(() => undefined) : undefined;
    const ours = owner !== undefined && owner === this.ownerId;
    if (!ours && (!this.firstOpen || !this.o.steal)) {
      throw new IpmiError('E_IPMI_SOL', `SOL instance ${this.instance} is in use by another session (${why}); allow stealing to take it over`);
    }
    await this.deactivate();
    this.emit('warning', `took over SOL instance ${this.instance} from another session`);
  }

  private async deactivate(): Promise<void> {
    const s = this.client?.session;
    if (!s) return;
    const r = await s.requestRaw(NETFN_APP, CMD_DEACTIVATE_PAYLOAD, encodeDeactivatePayloadRequest({ payloadType: PAYLOAD_SOL, instance: this.instance }));
    // 0x80 "already deactivated" is fine: someone else let go meanwhile.
    if (r.completionCode !== 0 && r.completionCode !== 0x80) throw new IpmiError('E_IPMI_SOL', `Deactivate Payload failed: completion code 0x${r.completionCode.toString(16)}`);
  }

  // ------------------------------------------------------------ inbound

  private onSol(payload: Buffer, sessionDuplicate = false): void {
    let p: SolPacket;
    try {
      p = decodeSol(payload);
    } catch (e) {
      if (e instanceof DecodeError) return void this.emit('warning', e.message);
      throw e;
    }
    if (p.packetSeq === 0) {
      // ACK-only: a byte-identical copy carries nothing we have not processed.
      if (sessionDuplicate) return;
      this.takeAckFields(p);
      this.checkDeactivated(p);
      return;
    }
    const v: SolInboundVerdict = this.client?.session.has('solpacketseq')
      ? sessionDuplicate
        ? { kind: 'late', deliver: Buffer.alloc(0), ack: undefined, useAckFields: false }
        : { kind: 'new', deliver: p.data, ack: { seq: p.packetSeq, count: p.data.length }, useAckFields: true }
      : this.inbound.accept(p.packetSeq, p.data, sessionDuplicate);
    if (v.useAckFields) this.takeAckFields(p);
    if (v.kind !== 'new' && v.deliver.length === 0) this.stats.duplicatesIn++;
    if (v.kind === 'late') this.stats.lateIn++;
    if (v.deliver.length > 0) {
      this.stats.bytesIn += v.deliver.length;
      this.emit('data', v.deliver);
    }
    // A resent packet means our ACK was lost: ACK again, but never deliver twice.
    if (v.ack) this.sendRaw({ packetSeq: 0, ackSeq: v.ack.seq, acceptedCount: v.ack.count, opStatus: 0, data: Buffer.alloc(0) });
    // A late copy's status is old news; a byte-identical copy's was seen with the original.
    if (v.kind !== 'late' && !sessionDuplicate) this.checkDeactivated(p);
  }

  private takeAckFields(p: SolPacket): void {
    const inf = this.inflight;
    if (inf && p.ackSeq !== 0 && p.ackSeq === inf.seq) this.onAck(inf, p);
  }

  private checkDeactivated(p: SolPacket): void {
    if (p.opStatus & SOL_ST_DEACTIVATED) {
      this.scheduleReconnect('BMC deactivated SOL (another session took it, or the BMC closed it)');
    }
  }

  private onAck(inf: Inflight, p: SolPacket): void {
    inf.timer?.cancel();
    this.inflight = undefined;
    const accepted = Math.min(p.acceptedCount, inf.data.length);
    const nack = (p.opStatus & SOL_ST_NACK) !== 0;
    if (nack && p.opStatus & SOL_ST_CHAR_UNAVAILABLE) {
      // The BMC cannot take characters now (serial busy / host off): retry the whole packet later.
      this.queue.unshift(inf.data);
      if (inf.op & SOL_OP_GENERATE_BREAK) this.breakPending = true;
      this.paused = true;
      this.clock.setTimeout(() => {
        this.paused = false;
        this.pump();
      }, this.o.retransmitMs ?? 500);
      return;
    }
    // Partial accept (with or without NACK): the rest goes out as a new packet (§15.9).
    if (accepted < inf.data.length) this.queue.unshift(inf.data.subarray(accepted));
    this.stats.bytesOut += accepted;
    this.pump();
  }

  // ------------------------------------------------------------ outbound

  write(data: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    if (data.length === 0) return true;
    this.queue.push(Buffer.from(data));
    this.pump();
    return true;
  }

  sendBreak(): void {
    if (this.state !== 'open') return;
    this.breakPending = true;
    this.pump();
  }

  private sendRaw(p: SolPacket): void {
    const s = this.client?.session;
    if (!s || s.state !== 'active') return;
    try {
      s.sendPayload(PAYLOAD_SOL, encodeSol(p));
    } catch (e) {
      this.emit('warning', `SOL send failed: ${(e as Error).message}`);
    }
  }

  private pump(): void {
    if (this.inflight || this.paused || this.state !== 'open') return;
    if (this.queue.length === 0 && !this.breakPending && !this.syncPending) return;
    let data = Buffer.alloc(0);
    const sync = this.syncPending;
    this.syncPending = false;
    while (!sync && this.queue.length > 0 && data.length < this.maxChunk) {
      const head = this.queue[0] as Buffer;
      const take = Math.min(head.length, this.maxChunk - data.length);
      data = Buffer.concat([data, head.subarray(0, take)]);
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
    }
    const op = !sync && this.breakPending ? SOL_OP_GENERATE_BREAK : 0;
    if (!sync) this.breakPending = false;
    this.outSeq = (this.outSeq % 15) + 1; // 1..15; 0 means "no data"
    const inf: Inflight = { seq: this.outSeq, data, op, tries: 0, timer: undefined };
    this.inflight = inf;
    this.transmit(inf);
  }

  private transmit(inf: Inflight): void {
    this.stats.packetsOut++;
    this.sendRaw({ packetSeq: inf.seq, ackSeq: 0, acceptedCount: 0, opStatus: inf.op, data: inf.data });
    inf.timer = this.clock.setTimeout(() => {
      if (this.inflight !== inf) return;
      if (inf.tries >= (this.o.maxRetransmits ?? 4)) {
        this.inflight = undefined;
        this.stats.dropped += inf.data.length;
        this.emit('warning', `SOL packet ${inf.seq} never acknowledged after ${inf.tries} resends; ${inf.data.length} bytes dropped`);
        void this.checkStillActive();
        this.pump();
        return;
      }
      inf.tries++;
      this.stats.retransmits++;
      this.transmit(inf);
    }, this.o.retransmitMs ?? 500);
  }

  private dropInflight(): void {
    this.inflight?.timer?.cancel();
    this.inflight = undefined;
  }

  // ------------------------------------------------------------ health

  private scheduleStatusCheck(): void {
    const every = this.o.statusCheckMs ?? 10000;
    if (!every || !this.client || (this.ownerId === undefined && (this.client.session.has('solstatus') || !this.statusSupported))) return;
    this.statusTimer?.cancel();
    this.statusTimer = this.clock.setTimeout(() => {
      void this.checkStillActive().then(() => {
        if (this.state === 'open') this.scheduleStatusCheck();
      });
    }, every);
  }

  /**
   * Notices a stolen or dropped SOL. A thief re-activates the same instance, so "instance
   * active" proves nothing: the owner session id (Get Payload Instance Info) must still be ours.
   */
  private async checkStillActive(): Promise<void> {
    const s = this.client?.session;
    if (!s || this.state !== 'open') return;
    try {
      if (this.ownerId !== undefined) {
        const owner = await this.instanceOwner();
        if (owner !== undefined && owner !== this.ownerId && this.state === 'open') this.scheduleReconnect(`SOL was taken over by another session (owner session 0x${owner.toString(16)})`);
        return;
      }
      const st = decodePayloadStatusResponse(await s.request(NETFN_APP, CMD_GET_PAYLOAD_ACTIVATION_STATUS, encodePayloadStatusRequest(PAYLOAD_SOL), { noRelogin: true }));
      if (!st.active.includes(this.instance) && this.state === 'open') this.scheduleReconnect('SOL is no longer active on the BMC (taken over by another session?)');
    } catch (e) {
      if (this.state === 'open') this.scheduleReconnect(`SOL health check failed: ${(e as Error).message}`);
    }
  }

  private async teardown(): Promise<void> {
    this.reconnectTimer?.cancel();
    this.reconnectTimer = undefined;
    this.statusTimer?.cancel();
    this.dropInflight();
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    if (c.session.state === 'active' && this.activated) {
      await c.session.requestRaw(NETFN_APP, CMD_DEACTIVATE_PAYLOAD, encodeDeactivatePayloadRequest({ payloadType: PAYLOAD_SOL, instance: this.instance }), { noRelogin: true, retries: 1 }).catch(() => undefined);
    }
    await c.close();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    const err = new IpmiError('E_IPMI_CLOSED', 'SOL transport closed before it opened');
    for (const w of this.openWaiters.splice(0)) w.reject(err);
    await this.teardown();
  }
}

