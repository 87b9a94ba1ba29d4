import xtermHeadless from '@xterm/headless';
import serializePkg from '@xterm/addon-serialize';
import type { RingBuffer } from './ring-buffer.ts';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializePkg;

/**
 * Headless terminal mirroring one console, so a viewer that cannot be given
 * the missing bytes gets the screen instead. xterm parses asynchronously and
 * throws past 50 MB of unparsed input, so feeding is flow-controlled: past
 * `maxBacklogBytes` the mirror stops taking live data and, once parsed up,
 * catches up from the ring (or, if the ring moved on, resets and replays all
 * the ring holds — the screen is then a best effort).
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
}

type HeadlessTerminal = InstanceType<typeof Terminal>;
type Serializer = InstanceType<typeof SerializeAddon>;

export class ScreenMirror {
  private readonly ring: RingBuffer;
  private readonly scrollback: number;
  private readonly maxBacklog: number;
  private cols: number;
  private rows: number;
  private term: HeadlessTerminal | null = null;
  private serializer: Serializer | null = null;
  /** Offset up to which bytes were handed to xterm. */
  private fedOffset: number;
  /** Offset up to which xterm has parsed. */
  private parsedOffset: number;
  private behind = false;
  private disposed = false;

  constructor(opts: ScreenMirrorOptions) {
    this.ring = opts.ring;
    this.cols = opts.cols;
    this.rows = opts.rows;
    this.scrollback = opts.scrollback ?? 500;
    this.maxBacklog = opts.maxBacklogBytes ?? 1024 * 1024;
    this.fedOffset = opts.ring.head;
    this.parsedOffset = opts.ring.head;
  }

  /** True while live data is skipped and the mirror catches up from the ring. */
  get isBehind(): boolean {
    return this.behind;
  }

  feed(offset: number, bytes: Uint8Array): void {
    if (this.disposed || this.behind) return;
    if (offset !== this.fedOffset) {
      this.behind = true;
      this.catchUp();
      return;
    }
    this.write(bytes);
    if (this.fedOffset - this.parsedOffset > this.maxBacklog) this.behind = true;
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.term?.resize(cols, rows);
  }

  /** The screen at some offset >= ring.start at the time of the call (usually the head). */
  snapshot(): Promise<ScreenSnapshot> {
    const term = this.terminal();
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
    this.terminal().write(bytes, () => {
      this.parsedOffset += n;
      if (this.behind && this.parsedOffset === this.fedOffset) this.catchUp();
    });
  }

  private catchUp(): void {
    if (this.disposed || this.parsedOffset !== this.fedOffset) return;
    const head = this.ring.head;
    if (this.fedOffset === head) {
      this.behind = false;
      return;
    }
    if (this.fedOffset < this.ring.start || this.fedOffset > head) {
      this.terminal().reset();
      this.fedOffset = this.parsedOffset = this.ring.start;
    }
    const to = Math.min(head, this.fedOffset + this.maxBacklog);
    const piece = this.ring.read(this.fedOffset, to);
    if (piece === 'gone') return; // cannot happen: checked above
    this.write(piece);
  }
}
