import xtermHeadless from '@xterm/headless';
import serializePkg from '@xterm/addon-serialize';
import type { RingBuffer } from './ring-buffer.ts';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializePkg;

/**
 * Headless terminal mirroring one console, so a viewer that cannot be given
 * the missing bytes gets the screen instead. Parsing costs more CPU than
 * everything else in the hub, so the mirror only keeps up while output is
 * modest: once more than `maxBacklogBytes` await parsing it stops taking
 * live data ("behind") and spends nothing during a flood. `snapshot()` then
 * catches up from the ring first, or, if the ring has moved past what it
 * parsed, resets and replays the last `maxReplayBytes` — a best effort
 * screen, which is all a flood leaves worth showing.
 */
export interface ScreenSnapshot {
  /** Stream offset the screen corresponds to: the next byte after it. */
  offset: number;
  /** Serialized screen plus scrollback, to be written into a reset terminal. */
  screen: string;
}

export interface ScreenMirrorOptions {
  ring: RingBuffer;
  cols: number;
  rows: number;
  scrollback?: number;
  maxBacklogBytes?: number;
  maxReplayBytes?: number;
}

type HeadlessTerminal = InstanceType<typeof Terminal>;
type Serializer = InstanceType<typeof SerializeAddon>;

export class ScreenMirror {
  private readonly ring: RingBuffer;
  private readonly scrollback: number;
  private readonly maxBacklog: number;
  private readonly maxReplay: number;
  private cols: number;
  private rows: number;
  private term: HeadlessTerminal | null = null;
  private serializer: Serializer | null = null;
  /** Offset up to which bytes were handed to xterm. */
  private fedOffset: number;
  /** Bytes handed to xterm and not parsed yet. */
  private unparsed = 0;
  private behind = false;
  private disposed = false;

  constructor(opts: ScreenMirrorOptions) {
    this.ring = opts.ring;
    this.cols = opts.cols;
    this.rows = opts.rows;
    this.scrollback = opts.scrollback ?? 500;
    this.maxBacklog = opts.maxBacklogBytes ?? 1024 * 1024;
    this.maxReplay = opts.maxReplayBytes ?? 1024 * 1024;
    this.fedOffset = opts.ring.head;
  }

  /** True while live data is skipped; the next snapshot catches up from the ring. */
  get isBehind(): boolean {
    return this.behind;
  }

  feed(offset: number, bytes: Uint8Array): void {
    if (this.disposed || this.behind) return;
    if (offset !== this.fedOffset) {
      this.behind = true;
      return;
    }
    this.write(bytes);
    if (this.unparsed > this.maxBacklog) this.behind = true;
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.term?.resize(cols, rows);
  }

  /** The screen at some offset >= ring.start at the time of the call (usually the head). */
  snapshot(): Promise<ScreenSnapshot> {
    const term = this.terminal();
    if (this.behind && !this.disposed) this.catchUp();
    const offset = this.fedOffset;
    return new Promise((resolve, reject) => {
      if (this.disposed) {
        reject(new Error('screen mirror disposed'));
        return;
      }
      // xterm runs write callbacks in order, right after parsing that write, so at
      // this point the screen is exactly the bytes before `offset`.
      term.write('', () => resolve({ offset, screen: (this.serializer as Serializer).serialize({ scrollback: this.scrollback }) }));
    });
  }

  dispose(): void {
    this.disposed = true;
    this.term?.dispose();
    this.term = null;
  }

  private terminal(): HeadlessTerminal {
    if (!this.term) {
      this.term = new Terminal({ cols: this.cols, rows: this.rows, scrollback: this.scrollback, allowProposedApi: true });
      this.serializer = new SerializeAddon();
      this.term.loadAddon(this.serializer as never);
    }
    return this.term;
  }

  private write(bytes: Uint8Array): void {
    const n = bytes.length;
    this.fedOffset += n;
    this.unparsed += n;
    this.terminal().write(bytes, () => {
      this.unparsed -= n;
    });
  }

  /** Feeds everything the ring holds past what was fed (or a reset plus the tail), up to the head. */
  private catchUp(): void {
    const head = this.ring.head;
    if (this.fedOffset < this.ring.start || this.fedOffset > head) {
      // RIS through the write queue, so bytes still waiting to be parsed land before the reset, not after.
      this.terminal().write('\x1bc');
      this.fedOffset = Math.max(this.ring.start, head - this.maxReplay);
    }
    const piece = this.ring.read(this.fedOffset, head);
    if (piece !== 'gone' && piece.length > 0) this.write(piece);
    this.behind = false;
  }
}
