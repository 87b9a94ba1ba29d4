import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Backoff, type BackoffOptions } from '../backoff.ts';
import type { ConsoleTransport, ConsoleTransportEvents, TransportState, TransportStateEvent } from '../console-transport.ts';
import { AdapterError } from '../errors.ts';
import { decodeComPortReply, encodeSetBaudRate } from './rfc2217.ts';
import { BRK, DO, DONT, encodeCommand, encodeData, IAC, OPT_BINARY, OPT_COM_PORT, SB, TelnetDecoder, WILL, WONT, type TelnetEvent } from './telnet-codec.ts';
import { TelnetOptions } from './telnet-options.ts';

export interface TcpTransportOptions {
  host: string;
  port: number;
  /**
   * 'auto' (default): telnet when the connection's first bytes from the peer
   * are a telnet command (IAC DO/DONT/WILL/WONT/SB), as telnet servers send on
   * connect; otherwise raw for the whole connection, so a 0xff byte in a raw
   * console's output never switches modes.
   */
  telnet?: 'auto' | 'on' | 'off';
  backoff?: BackoffOptions;
  /** A connect attempt that takes longer counts as failed. Default 10 s. */
  connectTimeoutMs?: number;
  /** RFC 2217: line speed to request when the peer agrees to COM-PORT-OPTION. */
  baudRate?: number;
}

/** Second bytes that make an opening IAC a telnet command rather than raw 0xff output. */
const TELNET_OPENERS = new Set([DO, DONT, WILL, WONT, SB]);

/** The telnet state of one connection; a reconnect starts afresh. */
interface TelnetSession {
  decoder: TelnetDecoder;
  options: TelnetOptions;
}

/**
 * Raw TCP console as spoken by QEMU, ser2net and console servers, with
 * telnet when the peer speaks it. Reconnects by itself with capped backoff
 * until close().
 */
export class TcpTransport extends EventEmitter<ConsoleTransportEvents> implements ConsoleTransport {
  readonly description: string;
  private _state: TransportState = 'idle';
  private readonly opts: Required<Pick<TcpTransportOptions, 'host' | 'port' | 'telnet' | 'connectTimeoutMs'>> & TcpTransportOptions;
  private readonly backoff: Backoff;
  private socket: Socket | undefined;
  private telnet: TelnetSession | undefined;
  /** 'auto' only: the connection's first byte(s) while undecided (at most IAC alone). */
  private autoPending: Buffer | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private opened: Promise<void> | undefined;
  private settleOpen: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(opts: TcpTransportOptions) {
    super();
    this.opts = { telnet: 'auto', connectTimeoutMs: 10_000, ...opts };
    this.backoff = new Backoff(opts.backoff);
    this.description = `tcp ${opts.host}:${opts.port}${this.opts.telnet === 'on' ? ' (telnet)' : ''}`;
  }

  get state(): TransportState {
    return this._state;
  }

  /** Whether the current connection speaks telnet (always with 'on'; with 'auto' when the peer opened with a telnet command). */
  get telnetActive(): boolean {
    return this.telnet !== undefined;
  }

  open(): Promise<void> {
    if (this._state === 'closed') return Promise.reject(new AdapterError('E_CLOSED', `${this.description}: transport is closed`));
    if (this._state === 'open') return Promise.resolve();
    if (!this.opened) {
      this.opened = new Promise<void>((resolve, reject) => (this.settleOpen = { resolve, reject }));
      this.setState({ state: 'connecting' });
      this.dial();
    }
    return this.opened;
  }

  async close(): Promise<void> {
    if (this._state === 'closed') return;
    clearTimeout(this.retryTimer);
    this.settleOpen?.reject(new AdapterError('E_CLOSED', `${this.description}: closed before the connection was up`));
    this.settleOpen = undefined;
    const sock = this.socket;
    this.socket = undefined;
    this.setState({ state: 'closed' });
    if (sock && !sock.destroyed) {
      await new Promise<void>((res) => {
        sock.once('close', () => res());
        sock.destroy();
      });
    }
  }

  write(data: Uint8Array): boolean {
    const sock = this.socket;
    if (this._state !== 'open' || !sock) return false;
    // socket.write's false only means "buffered above the high-water mark": the bytes are queued.
    sock.write(this.telnet ? encodeData(data, this.telnet.options.isLocal(OPT_BINARY)) : data);
    return true;
  }

  sendBreak(): void {
    const sock = this.socket;
    if (this._state !== 'open' || !sock) {
      this.emit('warning', `${this.description}: break not sent, console is ${this._state}`);
      return;
    }
    // A raw peer would pass IAC BRK to the target as two data bytes: only telnet peers get it.
    if (this.telnet) sock.write(encodeCommand(BRK));
    else this.emit('warning', `${this.description}: break needs a telnet peer (telnet ${this.opts.telnet}, none seen): not sent`);
  }

  private setState(ev: TransportStateEvent): void {
    this._state = ev.state;
    this.emit('state', ev);
  }

  private dial(): void {
    const sock = connect({ host: this.opts.host, port: this.opts.port, noDelay: true });
    this.socket = sock;
    let failure: string | undefined;
    sock.setTimeout(this.opts.connectTimeoutMs, () => {
      failure = `connect timeout after ${this.opts.connectTimeoutMs} ms`;
      sock.destroy();
    });
    sock.once('connect', () => {
      sock.setTimeout(0);
      sock.setKeepAlive(true, 15_000);
      this.backoff.reset();
      this.telnet = undefined;
      this.autoPending = this.opts.telnet === 'auto' ? Buffer.alloc(0) : undefined;
      if (this.opts.telnet === 'on') this.startTelnet(sock);
      this.setState({ state: 'open' });
      this.settleOpen?.resolve();
      this.settleOpen = undefined;
    });
    sock.on('data', (chunk: Buffer) => this.onData(sock, chunk));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      failure = `${e.code ?? 'error'} ${this.opts.host}:${this.opts.port}${e.code ? '' : `: ${e.message}`}`;
    });
    sock.on('close', () => {
      if (this.socket !== sock) return; // closed by close(), or a stale socket
      this.socket = undefined;
      this.telnet = undefined;
      const retryInMs = this.backoff.next();
      this.setState({ state: 'reconnecting', reason: failure ?? 'connection closed by peer', retryInMs });
      this.retryTimer = setTimeout(() => {
        if (this._state === 'reconnecting') this.dial();
      }, retryInMs);
    });
  }

  private startTelnet(sock: Socket): void {
    const options = new TelnetOptions();
    this.telnet = { options, decoder: new TelnetDecoder({ peerBinary: () => options.isRemote(OPT_BINARY) }) };
    const reqs = options.initialRequests({ comPort: this.opts.baudRate !== undefined });
    if (reqs.length) sock.write(Buffer.concat(reqs));
  }

  private onData(sock: Socket, chunk: Buffer): void {
    if (this.socket !== sock) return;
    if (this.autoPending) {
      const head = Buffer.concat([this.autoPending, chunk]);
      if (head[0] === IAC && head.length < 2) {
        this.autoPending = head; // IAC alone: the next byte decides
        return;
      }
      this.autoPending = undefined;
      if (head[0] === IAC && TELNET_OPENERS.has(head[1] as number)) this.startTelnet(sock);
      chunk = head;
    }
    if (!this.telnet) {
      this.emit('data', chunk);
      return;
    }
    let events: TelnetEvent[];
    try {
      events = this.telnet.decoder.push(chunk);
    } catch (e) {
      // The decoder resynchronises on data; losing one malformed subnegotiation is not worth the connection.
      this.emit('warning', `${this.description}: ${(e as Error).message}`);
      return;
    }
    for (const ev of events) this.onTelnetEvent(sock, ev);
  }

  private onTelnetEvent(sock: Socket, ev: TelnetEvent): void {
    const session = this.telnet;
    if (!session) return;
    switch (ev.type) {
      case 'data':
        this.emit('data', ev.data);
        break;
      case 'negotiate': {
        const wasComPort = session.options.isLocal(OPT_COM_PORT);
        const replies = session.options.receive(ev.verb, ev.option);
        if (replies.length) sock.write(Buffer.concat(replies));
        if (!wasComPort && session.options.isLocal(OPT_COM_PORT) && this.opts.baudRate !== undefined) {
          sock.write(encodeSetBaudRate(this.opts.baudRate));
        }
        break;
      }
      case 'subnegotiation':
        if (ev.option === OPT_COM_PORT) {
          try {
            const r = decodeComPortReply(ev.data);
            if (r.command === 'baudrate' && r.baud !== this.opts.baudRate) this.emit('warning', `${this.description}: peer set ${r.baud} baud`);
          } catch (e) {
            this.emit('warning', `${this.description}: ${(e as Error).message}`);
          }
        }
        break;
      case 'command':
        break; // NOP, GA, AYT... carry nothing for the console
    }
  }
}
