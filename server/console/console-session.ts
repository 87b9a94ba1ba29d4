import type { ConsoleTransport, TransportStateEvent } from '../../bmc-adapters/console-transport.ts';
import type { Logger } from '../log.ts';
import type { ConsoleConnState, Identity, LockHolder, ServerControl } from '../wire.ts';
import { randomBytes } from 'node:crypto';
import { ConsoleError } from './errors.ts';
import { ConsoleViewer, type ViewerHooks } from './console-viewer.ts';
import { RING_GONE, RingBuffer } from './ring-buffer.ts';
import { ScreenMirror } from './snapshot.ts';
import { TranscriptWriter } from './transcript.ts';
import type { ViewerSink } from './viewer-sink.ts';
import { WriteLock } from './write-lock.ts';
import { canWrite } from './can-write.ts';

/**
 * One console target: exactly one upstream transport, opened whether or not
 * anyone watches. Every received byte goes, in order, to the ring, the
 * transcript, the screen mirror and each live viewer. Viewers (WebSocket,
 * playbook, test) attach through `attach`; see docs/console-protocol.md.
 */
export interface ConsoleSessionOptions {
  targetId: string;
  transport: ConsoleTransport;
  ringBytes: number;
  viewerHighWaterBytes: number;
  /** Transcript directory and rotation; null records nothing (tests, benches). */
  transcript: { dir: string; maxBytes: number; keep: number } | null;
  cols?: number;
  rows?: number;
  log?: Logger;
}

export interface AttachOptions {
  identity: Identity;
  readOnly: boolean;
  /** Resume point; omitted (or unusable) means a screen snapshot first. */
  from?: number;
  /** The stream `from` belongs to (hello.stream); another stream's offset is unusable. */
  stream?: string;
  sink: ViewerSink;
  /** Left out of the `viewers` list (internal subscribers). */
  hidden?: boolean;
}

export type OutputListener = (offset: number, bytes: Buffer) => void;

const noop = () => undefined;

export class ConsoleSession {
  readonly targetId: string;
  /** Names this run of the byte stream (hello.stream); offsets restart with a new one. */
  readonly stream: string;
  readonly transport: ConsoleTransport;
  readonly ring: RingBuffer;
  readonly mirror: ScreenMirror;
  readonly transcript: TranscriptWriter | null;
  private readonly highWater: number;
  private readonly log: Logger | undefined;
  private readonly viewers = new Map<string, ConsoleViewer>();
  private readonly hidden = new Set<ConsoleViewer>();
  private readonly hooks: ViewerHooks;
  private readonly writeLock = new WriteLock();
  private viewerSeq = 0;
  private cols: number;
  private rows: number;
  private everOpen = false;
  private inGap = false;
  private closed = false;

  constructor(opts: ConsoleSessionOptions) {
    this.targetId = opts.targetId;
    this.stream = randomBytes(9).toString('base64url');
    this.transport = opts.transport;
    this.highWater = opts.viewerHighWaterBytes;
    this.log = opts.log;
    this.cols = opts.cols ?? 80;
    this.rows = opts.rows ?? 24;
    this.ring = new RingBuffer(opts.ringBytes);
    this.mirror = new ScreenMirror({ ring: this.ring, cols: this.cols, rows: this.rows });
    this.transcript = opts.transcript
      ? new TranscriptWriter({
          ...opts.transcript,
          title: opts.targetId,
          cols: this.cols,
          rows: this.rows,
          onError: (err) => this.log?.error({ err, target: this.targetId }, 'console transcript write failed; recording stopped'),
        })
      : null;
    this.hooks = {
      write: (v, bytes) => this.input(v, bytes),
      lock: (v, action) => this.lockAction(v, action),
      resize: (v, cols, rows) => this.resizeBy(v, cols, rows),
      sendBreak: (v) => this.breakBy(v),
      drained: (v) => this.resync(v),
      detach: (v) => this.detach(v),
    };
    this.transport.on('data', this.onData);
    this.transport.on('state', this.onState);
    this.transport.on('warning', this.onWarning);
  }

  /** Opens the upstream; it reconnects on its own from then on. */
  start(): void {
    this.transport.open().catch((err: unknown) => {
      if (!this.closed) this.log?.warn({ err, target: this.targetId }, 'console transport open failed');
    });
  }

  /** Per-viewer queue limit; sinks derive their drain threshold from it. */
  get highWaterBytes(): number {
    return this.highWater;
  }

  get state(): ConsoleConnState {
    return this.transport.state;
  }

  get head(): number {
    return this.ring.head;
  }

  get size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  get lock(): LockHolder | null {
    return this.writeLock.wire;
  }

  listViewers(): { viewerId: string; user: string; readOnly: boolean }[] {
    return [...this.viewers.values()]
      .filter((v) => !this.hidden.has(v))
      .map((v) => ({ viewerId: v.id, user: v.identity.user, readOnly: v.readOnly }));
  }

  /**
   * Adds a viewer. It first gets `hello`, then either the bytes from `from`
   * (when the ring still holds them) or a snapshot, then the live stream.
   */
  attach(opts: AttachOptions): ConsoleViewer {
    if (this.closed) throw new ConsoleError('E_CLOSED', `console ${this.targetId} is closed`);
    if (!opts.readOnly && !canWrite(opts.identity)) {
      throw new ConsoleError('E_FORBIDDEN', `${opts.identity.user} (${opts.identity.role}) may only watch; read-write needs operator`);
    }
    const v = new ConsoleViewer(`v${++this.viewerSeq}`, opts.identity, opts.readOnly, opts.sink, this.hooks);
    this.viewers.set(v.id, v);
    if (opts.hidden) this.hidden.add(v);
    v.sink.control({
      t: 'hello',
      viewerId: v.id,
      stream: this.stream,
      target: this.targetId,
      user: v.identity.user,
      readOnly: v.readOnly,
      ringStart: this.ring.start,
      head: this.ring.head,
      lock: this.lock,
      conn: this.state,
      cols: this.cols,
      rows: this.rows,
    });
    const from = opts.from;
    const sameStream = opts.stream === undefined || opts.stream === this.stream;
    if (from !== undefined && sameStream && Number.isInteger(from) && from >= this.ring.start && from <= this.ring.head) {
      const missing = this.ring.read(from);
      if (missing !== RING_GONE && missing.length > 0) v.sink.output(from, missing);
      v.nextOffset = this.ring.head;
      v.state = 'live';
    } else {
      this.resync(v);
    }
    if (!opts.hidden) this.broadcastViewers();
    return v;
  }

  /**
   * In-process reader (playbooks): `onChunk` gets every byte from `from` on.
   * If the ring no longer holds `from`, the first chunk starts later (compare
   * offsets) after `onSnapshot`. Returns the unsubscribe function.
   */
  subscribe(from: number, onChunk: OutputListener, onSnapshot?: (offset: number, screen: string) => void): () => void {
    const v = this.attach({
      identity: { user: 'internal:subscriber', role: 'viewer' },
      readOnly: true,
      from,
      hidden: true,
      sink: { output: onChunk, snapshot: onSnapshot ?? noop, control: noop, queuedBytes: () => 0 },
    });
    return () => v.detach();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const v of this.viewers.values()) {
      v.state = 'closed';
      v.sink.control({ t: 'conn', state: 'closed', reason: 'console removed' });
    }
    this.viewers.clear();
    this.writeLock.clear();
    this.transport.off('data', this.onData);
    this.transport.off('state', this.onState);
    this.transport.off('warning', this.onWarning);
    await this.transport.close();
    this.transcript?.marker(`rb:closed offset=${this.ring.head}`);
    await this.transcript?.close();
    this.mirror.dispose();
  }

  private readonly onData = (chunk: Buffer): void => {
    const offset = this.ring.head;
    this.ring.append(chunk);
    this.transcript?.output(offset, chunk);
    this.mirror.feed(offset, chunk);
    for (const v of this.viewers.values()) this.deliver(v, offset, chunk);
  };

  private deliver(v: ConsoleViewer, offset: number, chunk: Buffer): void {
    if (v.state !== 'live') return;
    const queued = v.sink.queuedBytes();
    // With nothing queued there is no completion to wake the viewer later, so an oversized chunk still goes out.
    if (queued > 0 && queued + chunk.length > this.highWater) {
      v.state = 'lagging';
      this.log?.debug({ target: this.targetId, viewer: v.id, queued }, 'console viewer lagging; live data paused');
      return;
    }
    v.sink.output(offset, chunk);
    v.nextOffset = offset + chunk.length;
  }

  private readonly onState = (ev: TransportStateEvent): void => {
    if (ev.state === 'open') {
      if (this.inGap) this.transcript?.gapEnd(this.ring.head);
      this.inGap = false;
      this.everOpen = true;
    } else if (ev.state === 'reconnecting' && this.everOpen && !this.inGap) {
      this.inGap = true;
      this.transcript?.gapStart(this.ring.head, ev.reason);
    }
    const msg: ServerControl = ev.reason ? { t: 'conn', state: ev.state, reason: ev.reason } : { t: 'conn', state: ev.state };
    this.broadcast(msg);
  };

  private readonly onWarning = (message: string): void => {
    this.log?.warn({ target: this.targetId }, message);
  };

  /** Snapshot, then whatever arrived since it, then live. Retries if the ring overtook the snapshot. */
  private resync(v: ConsoleViewer): void {
    if (v.state === 'closed') return;
    v.state = 'syncing';
    const generation = ++v.syncGeneration;
    const attempt = (): void => {
      this.mirror.snapshot().then(
        (snap) => {
          if (v.state !== 'syncing' || v.syncGeneration !== generation) return;
          const rest = this.ring.read(snap.offset);
          if (rest === RING_GONE) {
            attempt();
            return;
          }
          v.sink.snapshot(snap.offset, snap.screen);
          if (rest.length > 0) v.sink.output(snap.offset, rest);
          v.nextOffset = this.ring.head;
          v.state = 'live';
        },
        (err: unknown) => {
          if (!this.closed) this.log?.error({ err, target: this.targetId }, 'console snapshot failed');
        },
      );
    };
    attempt();
  }

  private input(v: ConsoleViewer, bytes: Uint8Array): void {
    this.writeLock.requireHeldBy(v, 'type');
    if (bytes.length === 0) return;
    if (!this.transport.write(bytes)) throw new ConsoleError('E_NOT_CONNECTED', `console ${this.targetId} is ${this.state}; keystrokes not sent`);
    this.transcript?.input(v.identity, bytes);
  }

  private breakBy(v: ConsoleViewer): void {
    this.writeLock.requireHeldBy(v, 'send a break');
    this.transport.sendBreak();
    this.transcript?.marker(`rb:break user=${v.identity.user}`);
  }

  private lockAction(v: ConsoleViewer, action: 'request' | 'release' | 'takeover'): void {
    this.broadcast(this.writeLock.apply(v, action));
  }

  private resizeBy(v: ConsoleViewer, cols: number, rows: number): void {
    if (v.readOnly) throw new ConsoleError('E_READ_ONLY', 'read-only viewer cannot resize the console');
    const holder = this.writeLock.current;
    if (holder && holder !== v) {
      throw new ConsoleError('E_NOT_LOCK_HOLDER', `${holder.identity.user} holds the write lock and sets the size`);
    }
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 2 || cols > 1000 || rows < 1 || rows > 500) {
      throw new ConsoleError('E_BAD_REQUEST', `resize to ${cols}x${rows}: need 2..1000 columns and 1..500 rows`);
    }
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.mirror.resize(cols, rows);
    this.transcript?.resize(cols, rows);
    this.broadcast({ t: 'resize', cols, rows });
  }

  private detach(v: ConsoleViewer): void {
    v.state = 'closed';
    this.viewers.delete(v.id);
    const wasHidden = this.hidden.delete(v);
    if (this.writeLock.dropIfHeldBy(v)) {
      this.broadcast({ t: 'lock', holder: null, by: v.identity.user });
    }
    if (!wasHidden) this.broadcastViewers();
  }

  private broadcastViewers(): void {
    this.broadcast({ t: 'viewers', viewers: this.listViewers() });
  }

  private broadcast(msg: ServerControl): void {
    for (const v of this.viewers.values()) v.sink.control(msg);
  }
}
