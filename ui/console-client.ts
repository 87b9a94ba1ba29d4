/**
 * Console client: one viewer's WebSocket to the console hub, with resume.
 * No DOM: it needs only a WebSocket constructor (browser or `ws`), so it can be
 * unit-tested under Node.
 *
 * It tracks the offset of the next byte it expects. On reconnect it asks for
 * `?from=<offset>`; the hub answers with exactly the missing bytes, or with a
 * SNAPSHOT frame (reset the screen, write the snapshot) when its ring no longer
 * holds them. Output that overlaps what was already delivered is trimmed, so
 * no byte is handed to the terminal twice.
 */
import {
  FRAME_OUTPUT,
  FRAME_SNAPSHOT,
  decodeOffsetFrame,
  encodeInputFrame,
  type ClientControl,
  type ConsoleConnState,
  type LockHolder,
  type ServerControl,
} from '../server/wire.ts';

/** State of our own link to the hub (not the hub's link to the target). */
export type LinkState = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'unauthorized';

export interface ConsoleClientEvents {
  /** Bytes to write to the terminal, in order, each exactly once. */
  output(bytes: Uint8Array): void;
  /** Reset the terminal, then write this (the hub's screen snapshot). */
  snapshot(bytes: Uint8Array): void;
  /** Anything changed in link, hub connection, lock, viewers or size: re-read `client.status`. */
  status(status: ConsoleStatus): void;
  /** A server error message (bad request, not allowed...). */
  error(code: string, message: string): void;
}

export interface ConsoleStatus {
  link: LinkState;
  /** The hub's connection to the target. */
  conn: ConsoleConnState | 'unknown';
  connReason?: string;
  viewerId: string | null;
  user: string | null;
  readOnly: boolean;
  lock: LockHolder | null;
  /** True when this viewer holds the write lock. */
  holdsLock: boolean;
  /** Set after someone took the lock over from someone else. */
  lastTakeover: { by: string; from?: string } | null;
  viewers: { viewerId: string; user: string; readOnly: boolean }[];
  cols: number;
  rows: number;
  /** Offset of the next byte expected from the hub. */
  offset: number | null;
  /** The hub's stream that offset belongs to (a server restart starts another). */
  stream: string | null;
  /** How many times the link has been re-established. */
  reconnects: number;
  /** Connection attempts in a row that ended before the hub said hello (a refused handshake looks like this: 401, 404...). */
  failedAttempts: number;
}

type WebSocketLike = Pick<WebSocket, 'binaryType' | 'readyState' | 'send' | 'close'> & {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};

export interface ConsoleClientOptions {
  /** Absolute ws:// or wss:// URL of the console endpoint, without query. */
  url: string;
  mode: 'rw' | 'ro';
  /** WebSocket constructor; defaults to the global one. */
  WebSocketImpl?: new (url: string) => WebSocketLike;
  /** Reconnect backoff: first delay and cap, in ms. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Ping interval and the time allowed for the pong before the link is dropped, in ms. */
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
}

/** Close codes after which reconnecting is pointless (login needed, forbidden, no such target). */
const FATAL_CLOSE_CODES = new Set([1008, 4401, 4403, 4404]);

export class ConsoleClient {
  readonly status: ConsoleStatus = {
    link: 'connecting',
    conn: 'unknown',
    viewerId: null,
    user: null,
    readOnly: false,
    lock: null,
    holdsLock: false,
    lastTakeover: null,
    viewers: [],
    cols: 80,
    rows: 24,
    offset: null,
    stream: null,
    reconnects: 0,
    failedAttempts: 0,
  };

  private ws: WebSocketLike | null = null;
  private stopped = false;
  private attempt = 0;
  private everOpened = false;
  private helloOnThisSocket = false;
  /** We held the lock when the link dropped: ask for it again after reconnecting, if it is still free. */
  private wantLock = false;
  private readonly ownViewerIds = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private pingId = 0;
  private readonly listeners: Partial<ConsoleClientEvents>;
  private readonly opts: Required<Omit<ConsoleClientOptions, 'WebSocketImpl'>> & Pick<ConsoleClientOptions, 'WebSocketImpl'>;

  constructor(opts: ConsoleClientOptions, listeners: Partial<ConsoleClientEvents>) {
    this.opts = {
      backoffMinMs: 250,
      backoffMaxMs: 5000,
      pingIntervalMs: 15000,
      pongTimeoutMs: 10000,
      ...opts,
    };
    this.listeners = listeners;
    this.status.readOnly = opts.mode === 'ro';
  }

  /** Opens the link; it then reconnects by itself until close(). */
  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Closes for good. */
  close(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'viewer closed');
    this.setLink('closed');
  }

  /** Drops the current link as if the network had (for tests and a "reconnect now" button). */
  dropLink(): void {
    this.ws?.close(4000, 'dropped by viewer');
  }

  /** The URL the next connection uses (resumes from the tracked offset). */
  nextUrl(): string {
    const q = new URLSearchParams({ mode: this.opts.mode });
    if (this.status.offset !== null) q.set('from', String(this.status.offset));
    if (this.status.offset !== null && this.status.stream !== null) q.set('stream', this.status.stream);
    return `${this.opts.url}?${q.toString()}`;
  }

  sendInput(bytes: Uint8Array): boolean {
    if (!this.status.holdsLock || !this.isOpen()) return false;
    this.ws?.send(encodeInputFrame(bytes));
    return true;
  }

  requestLock(): void {
    this.control({ t: 'lock', action: 'request' });
  }
  releaseLock(): void {
    this.wantLock = false;
    this.control({ t: 'lock', action: 'release' });
  }
  takeOver(): void {
    this.control({ t: 'lock', action: 'takeover' });
  }
  sendBreak(): void {
    this.control({ t: 'break' });
  }
  resize(cols: number, rows: number): void {
    this.control({ t: 'resize', cols, rows });
  }

  private isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === 1;
  }

  private control(msg: ClientControl): void {
    if (this.isOpen()) this.ws?.send(JSON.stringify(msg));
  }

  private connect(): void {
    if (this.stopped) return;
    const Impl = this.opts.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => WebSocketLike);
    const ws = new Impl(this.nextUrl());
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.helloOnThisSocket = false;
    this.setLink(this.everOpened ? 'reconnecting' : 'connecting');
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.startPing();
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.onMessage(ev.data);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.clearTimers();
      this.status.viewerId = null;
      this.status.holdsLock = false;
      if (this.stopped) return this.setLink('closed');
      if (FATAL_CLOSE_CODES.has(ev.code)) {
        this.stopped = true;
        this.listeners.error?.(`close-${ev.code}`, ev.reason || 'connection refused by the server');
        return this.setLink(ev.code === 4401 || ev.code === 1008 ? 'unauthorized' : 'closed');
      }
      if (!this.helloOnThisSocket) this.status.failedAttempts++;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.status.link = 'reconnecting';
    this.emitStatus();
    const delay = Math.min(this.opts.backoffMaxMs, this.opts.backoffMinMs * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private onMessage(data: unknown): void {
    if (typeof data === 'string') {
      let msg: ServerControl;
      try {
        msg = JSON.parse(data) as ServerControl;
      } catch {
        return;
      }
      this.onControl(msg);
      return;
    }
    const buf = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!buf) return;
    let frame;
    try {
      frame = decodeOffsetFrame(buf);
    } catch (e) {
      this.listeners.error?.('bad-frame', (e as Error).message);
      return;
    }
    if (frame.type === FRAME_SNAPSHOT) {
      this.status.offset = frame.offset;
      this.listeners.snapshot?.(frame.payload);
      this.emitStatus();
      return;
    }
    if (frame.type !== FRAME_OUTPUT) return;
    let payload = frame.payload;
    const expected = this.status.offset;
    if (expected !== null && frame.offset < expected) {
      // Overlap with bytes already delivered: hand over only the new tail.
      const skip = expected - frame.offset;
      if (skip >= payload.length) return;
      payload = payload.subarray(skip);
    }
    this.status.offset = Math.max(expected ?? 0, frame.offset + frame.payload.length);
    if (payload.length) this.listeners.output?.(payload);
  }

  private onControl(msg: ServerControl): void {
    const s = this.status;
    switch (msg.t) {
      case 'hello':
        if (this.everOpened) s.reconnects++;
        this.everOpened = true;
        this.helloOnThisSocket = true;
        s.failedAttempts = 0;
        this.attempt = 0;
        s.link = 'open';
        // Another stream (server restart, console re-created) shares nothing with ours: its
        // offsets and viewer ids start again, so neither our offset nor our old ids count.
        if (s.stream !== msg.stream) {
          s.offset = null;
          this.ownViewerIds.clear();
        }
        s.stream = msg.stream;
        s.viewerId = msg.viewerId;
        s.user = msg.user;
        s.readOnly = msg.readOnly;
        s.conn = msg.conn;
        s.cols = msg.cols;
        s.rows = msg.rows;
        this.setLock(msg.lock);
        break;
      case 'conn':
        s.conn = msg.state;
        s.connReason = msg.reason;
        break;
      case 'lock': {
        const prev = s.lock;
        this.setLock(msg.holder);
        if (msg.takeover && msg.holder) s.lastTakeover = { by: msg.by ?? msg.holder.user, ...(prev ? { from: prev.user } : {}) };
        break;
      }
      case 'resize':
        s.cols = msg.cols;
        s.rows = msg.rows;
        break;
      case 'viewers':
        s.viewers = msg.viewers;
        break;
      case 'pong':
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
        return;
      case 'error':
        this.listeners.error?.(msg.code, msg.message);
        return;
      default:
        return;
    }
    this.emitStatus();
  }

  private setLock(holder: LockHolder | null): void {
    this.status.lock = holder;
    this.status.holdsLock = holder !== null && holder.viewerId === this.status.viewerId;
    // Only someone else taking the lock ends our wish; our own previous link still
    // holding it (the hub has not seen that socket close yet) does not.
    if (holder !== null && this.status.holdsLock) {
      this.wantLock = true;
      this.ownViewerIds.add(holder.viewerId);
    } else if (holder !== null && !this.ownViewerIds.has(holder.viewerId)) this.wantLock = false;
    if (holder === null && this.wantLock && this.status.link === 'open' && !this.status.readOnly) this.requestLock();
  }

  private startPing(): void {
    this.pingTimer = setInterval(() => {
      if (!this.isOpen()) return;
      this.control({ t: 'ping', id: ++this.pingId });
      if (this.pongTimer) return;
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        this.dropLink();
      }, this.opts.pongTimeoutMs);
    }, this.opts.pingIntervalMs);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.retryTimer = this.pingTimer = this.pongTimer = null;
  }

  private setLink(link: LinkState): void {
    if (this.status.link === link) return;
    this.status.link = link;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.listeners.status?.(this.status);
  }
}
