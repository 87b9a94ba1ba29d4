import * as c from '../../../bmc-adapters/ipmi/codec/index.ts';
import type { SessionLink } from '../../../bmc-adapters/ipmi/session/session.ts';

/**
 * A scripted in-process BMC built from our own codec, answering synchronously through a
 * SessionLink. Hooks let a test drop, duplicate or rewrite traffic to drive the client's
 * state machine through timeouts and retries without real time.
 */
export interface Sent {
  payloadType: number | 'ipmi15';
  sessionSeq: number;
  cmd?: number;
  rqSeq?: number;
  sol?: c.SolPacket;
}

export class FakeBmc {
  username = 'admin';
  password = 'secret';
  suites = new Set([3, 17]);
  ipmi20 = true;
  /** Privilege the Open Session Response reports (ipmi_sim says 0 in some configurations). */
  openSessionPriv: number | undefined;
  /** Echo other algorithms than proposed (a broken BMC). */
  echoAlgorithms: c.Algorithms | undefined;
  powerOn = false;
  /** Completion code for Set Session Privilege Level (0x81: exceeds the user's limit). */
  privilegeCc = 0;
  /** Everything the client sent, decoded. */
  readonly log: Sent[] = [];
  /** Return true to silently drop a client packet (before the BMC sees it). */
  dropIn: (s: Sent, index: number) => boolean = () => false;
  /** Called for every BMC reply; return the list of datagrams to deliver (default: [reply]). */
  mangleOut: (reply: Buffer, s: Sent) => Buffer[] = (r) => [r];
  /** SOL handler: gets each client SOL packet, returns SOL packets to send back. */
  onSol: (p: c.SolPacket) => c.SolPacket[] = (p) => (p.packetSeq ? [{ packetSeq: 0, ackSeq: p.packetSeq, acceptedCount: p.data.length, opStatus: 0, data: Buffer.alloc(0) }] : []);
  /** Extra SOL packets to send right before the Activate Payload reply. */
  solBeforeActivateReply: c.SolPacket[] = [];
  solActive = false;
  solOwner = 0;
  sessionsClosed = 0;

  private deliver: (buf: Buffer) => void = () => undefined;
  private session:
    | {
        consoleId: number;
        bmcId: number;
        suite: c.CipherSuite;
        rm?: Buffer;
        rc?: Buffer;
        role?: number;
        keys?: c.RmcpPlusKeys;
        outSeq: number;
      }
    | undefined;
  private nextBmcId = 0x100;
  private readonly guid = Buffer.alloc(16, 0x5a);
  private ids = 1;

  link(): SessionLink & { connect(onPacket: (b: Buffer) => void): void } {
    return {
      connect: (fn) => (this.deliver = fn),
      send: (buf) => this.receive(buf),
      allocateSessionId: () => 0x1000 + this.ids++,
      releaseSessionId: () => undefined,
    };
  }

  /** Forget the session, as a BMC does after its idle timeout. */
  forgetSession(): void {
    this.session = undefined;
  }

  /** Sends a SOL packet to the client unprompted (console output). */
  pushSol(p: c.SolPacket): void {
    this.sendPayload(c.PAYLOAD_SOL, c.encodeSol(p), { payloadType: c.PAYLOAD_SOL, sessionSeq: 0 });
  }

  private out(buf: Buffer, s: Sent): void {
    for (const b of this.mangleOut(buf, s)) this.deliver(b);
  }

  private receive(buf: Buffer): void {
    const peek = c.peekSession(buf);
    if (peek.authType !== c.AUTH_TYPE_RMCPPLUS) {
      const p = c.decodeIpmi15(buf);
      const rq = c.decodeIpmiRequest(p.payload);
      const s: Sent = { payloadType: 'ipmi15', sessionSeq: 0, cmd: rq.cmd, rqSeq: rq.rqSeq };
      const idx = this.log.push(s) - 1;
      if (this.dropIn(s, idx)) return;
      const cap = c.encodeChannelAuthCapResponse({ channel: 1, extended: this.ipmi20, authTypes: 0x14, kgNonZero: false, perMessageAuthDisabled: false, userLevelAuthDisabled: false, nonNullUsers: true, nullUsers: false, anonymousLogin: false, supportsIpmi20: this.ipmi20, supportsIpmi15: true, oemId: 0, oemAux: 0 });
      const rs = c.encodeIpmiResponse({ rqAddr: rq.rqAddr, netFn: rq.netFn | 1, rqLun: 0, rsAddr: 0x20, rqSeq: rq.rqSeq, rsLun: 0, cmd: rq.cmd, completionCode: 0, data: cap });
      this.out(c.encodeIpmi15({ authType: 0, sessionSeq: 0, sessionId: 0, payload: rs }), s);
      return;
    }
    const sess = this.session;
    const keys = peek.sessionId !== 0 && sess?.keys ? sess.keys : {};
    const p = c.decodeRmcpPlus(buf, keys, c.safeEqual);
    const s: Sent = { payloadType: p.payloadType, sessionSeq: p.sessionSeq };
    if (p.payloadType === c.PAYLOAD_IPMI && sess?.keys) {
      const rq = c.decodeIpmiRequest(p.payload);
      s.cmd = rq.cmd;
      s.rqSeq = rq.rqSeq;
    }
    if (p.payloadType === c.PAYLOAD_SOL) s.sol = c.decodeSol(p.payload);
    const idx = this.log.push(s) - 1;
    if (this.dropIn(s, idx)) return;
    switch (p.payloadType) {
      case c.PAYLOAD_OPEN_SESSION_REQUEST:
        return this.openSession(c.decodeOpenSessionRequest(p.payload), s);
      case c.PAYLOAD_RAKP1:
        return this.rakp1(c.decodeRakp1(p.payload), s);
      case c.PAYLOAD_RAKP3:
        return this.rakp3(c.decodeRakp3(p.payload), s);
      case c.PAYLOAD_IPMI:
        if (!sess?.keys || peek.sessionId !== sess.bmcId) return; // unknown session: silence, like real BMCs
        return this.command(c.decodeIpmiRequest(p.payload), s);
      case c.PAYLOAD_SOL:
        if (!sess?.keys || !this.solActive) return;
        for (const r of this.onSol(c.decodeSol(p.payload))) this.sendPayload(c.PAYLOAD_SOL, c.encodeSol(r), s);
        return;
    }
  }

  private setup(type: number, payload: Buffer, s: Sent): void {
    this.out(c.encodeRmcpPlus({ payloadType: type, encrypted: false, authenticated: false, sessionId: 0, sessionSeq: 0, payload }), s);
  }

  private openSession(rq: c.OpenSessionRequest, s: Sent): void {
    const suite = c.suiteForAlgorithms(rq.algorithms.auth, rq.algorithms.integrity, rq.algorithms.confidentiality);
    if (!suite || !this.suites.has(suite.id)) {
      return this.setup(c.PAYLOAD_OPEN_SESSION_RESPONSE, c.encodeOpenSessionResponse({ tag: rq.tag, status: 0x11, maxPrivilege: 0, consoleSessionId: rq.consoleSessionId }), s);
    }
    const bmcId = this.nextBmcId++;
    this.session = { consoleId: rq.consoleSessionId, bmcId, suite, outSeq: 0 };
    this.setup(c.PAYLOAD_OPEN_SESSION_RESPONSE, c.encodeOpenSessionResponse({ tag: rq.tag, status: 0, maxPrivilege: this.openSessionPriv ?? 4, consoleSessionId: rq.consoleSessionId, bmcSessionId: bmcId, algorithms: this.echoAlgorithms ?? rq.algorithms }), s);
  }

  private inputs(): c.RakpInputs {
    const ss = this.session!;
    return { auth: ss.suite.auth, password: Buffer.from(this.password), consoleSessionId: ss.consoleId, bmcSessionId: ss.bmcId, consoleRandom: ss.rm!, bmcRandom: ss.rc!, bmcGuid: this.guid, role: ss.role!, username: Buffer.from(this.username) };
  }

  private rakp1(m: c.Rakp1, s: Sent): void {
    const ss = this.session;
    if (!ss || ss.bmcId !== m.bmcSessionId) return;
    if (m.username.toString() !== this.username) return this.setup(c.PAYLOAD_RAKP2, c.encodeRakp2({ tag: m.tag, status: 0x0d, consoleSessionId: ss.consoleId }), s);
    ss.rm = m.consoleRandom;
    ss.rc = Buffer.alloc(16, 0x33);
    ss.role = m.role;
    this.setup(c.PAYLOAD_RAKP2, c.encodeRakp2({ tag: m.tag, status: 0, consoleSessionId: ss.consoleId, bmcRandom: ss.rc, bmcGuid: this.guid, keyExchangeAuthCode: c.rakp2AuthCode(this.inputs()) }), s);
  }

  private rakp3(m: c.Rakp3, s: Sent): void {
    const ss = this.session;
    if (!ss || !ss.rm || ss.bmcId !== m.bmcSessionId) return;
    const i = this.inputs();
    if (m.status !== 0 || !c.safeEqual(c.rakp3AuthCode(i), m.keyExchangeAuthCode)) return this.setup(c.PAYLOAD_RAKP4, c.encodeRakp4({ tag: m.tag, status: 0x0f, consoleSessionId: ss.consoleId, integrityCheckValue: Buffer.alloc(0) }), s);
    const km = c.deriveSessionKeys(ss.suite, i);
    this.setup(c.PAYLOAD_RAKP4, c.encodeRakp4({ tag: m.tag, status: 0, consoleSessionId: ss.consoleId, integrityCheckValue: c.rakp4Icv(i, km.sik) }), s);
    ss.keys = km.keys;
  }

  private sendPayload(type: number, payload: Buffer, s: Sent): void {
    const ss = this.session;
    if (!ss?.keys) return;
    ss.outSeq++;
    this.out(c.encodeRmcpPlus({ payloadType: type, encrypted: !!ss.keys.confidentiality, authenticated: !!ss.keys.integrity, sessionId: ss.consoleId, sessionSeq: ss.outSeq, payload }, ss.keys), s);
  }

  private reply(rq: c.IpmiRequest, cc: number, data: Buffer, s: Sent): void {
    this.sendPayload(c.PAYLOAD_IPMI, c.encodeIpmiResponse({ rqAddr: rq.rqAddr, netFn: rq.netFn | 1, rqLun: rq.rqLun, rsAddr: 0x20, rqSeq: rq.rqSeq, rsLun: 0, cmd: rq.cmd, completionCode: cc, data }), s);
  }

  private command(rq: c.IpmiRequest, s: Sent): void {
    const ss = this.session!;
    const key = (rq.netFn << 8) | rq.cmd;
    switch (key) {
      case (c.NETFN_APP << 8) | c.CMD_SET_SESSION_PRIVILEGE:
        if (this.privilegeCc) return this.reply(rq, this.privilegeCc, Buffer.alloc(0), s);
        return this.reply(rq, 0, Buffer.from([rq.data[0] ?? 4]), s);
      case (c.NETFN_APP << 8) | c.CMD_GET_DEVICE_ID:
        return this.reply(rq, 0, c.encodeDeviceIdResponse({ deviceId: 0x20, deviceRevision: 1, deviceAvailable: true, firmwareMajor: 1, firmwareMinor: 2, ipmiVersion: 2, additionalSupport: 0x80, manufacturerId: 0xbeef, productId: 7 }), s);
      case (c.NETFN_APP << 8) | c.CMD_CLOSE_SESSION:
        this.reply(rq, 0, Buffer.alloc(0), s);
        this.sessionsClosed++;
        this.session = undefined;
        return;
      case (c.NETFN_CHASSIS << 8) | c.CMD_GET_CHASSIS_STATUS:
        return this.reply(rq, 0, c.encodeChassisStatusResponse({ powerOn: this.powerOn, powerOverload: false, powerFault: false, restorePolicy: 0, lastPowerEvent: 0, miscState: 0 }), s);
      case (c.NETFN_CHASSIS << 8) | c.CMD_CHASSIS_CONTROL:
        this.powerOn = c.decodeChassisControlRequest(rq.data) !== c.CHASSIS_POWER_DOWN;
        return this.reply(rq, 0, Buffer.alloc(0), s);
      case (c.NETFN_APP << 8) | c.CMD_GET_PAYLOAD_ACTIVATION_STATUS:
        return this.reply(rq, 0, c.encodePayloadStatusResponse({ capacity: 1, active: this.solActive ? [1] : [] }), s);
      case (c.NETFN_APP << 8) | c.CMD_GET_PAYLOAD_INSTANCE_INFO:
        return this.reply(rq, 0, c.encodePayloadInstanceInfoResponse({ sessionId: this.solActive ? this.solOwner : 0, info: Buffer.alloc(8) }), s);
      case (c.NETFN_APP << 8) | c.CMD_ACTIVATE_PAYLOAD:
        if (this.solActive) return this.reply(rq, 0x80, Buffer.alloc(0), s);
        this.solActive = true;
        this.solOwner = ss.bmcId;
        for (const p of this.solBeforeActivateReply) this.sendPayload(c.PAYLOAD_SOL, c.encodeSol(p), s);
        return this.reply(rq, 0, c.encodeActivatePayloadResponse({ aux: Buffer.alloc(4), inboundPayloadSize: 64, outboundPayloadSize: 64, port: 623, vlan: 0xffff }), s);
      case (c.NETFN_APP << 8) | c.CMD_DEACTIVATE_PAYLOAD:
        if (!this.solActive) return this.reply(rq, 0x80, Buffer.alloc(0), s);
        this.solActive = false;
        return this.reply(rq, 0, Buffer.alloc(0), s);
      default:
        return this.reply(rq, c.CC_INVALID_COMMAND, Buffer.alloc(0), s);
    }
  }
}
