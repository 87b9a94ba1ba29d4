import { createWriteStream, mkdirSync, readdirSync, unlinkSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Identity } from '../wire.ts';
import { Utf8EscapeDecoder } from './utf8-escape.ts';

/**
 * asciicast v2 transcript of one console, rotated by size. Format and the
 * "rb:" marker vocabulary are specified in docs/console-protocol.md; the
 * markers carry byte offsets so a transcript can be checked against the stream.
 */
export interface TranscriptOptions {
  dir: string;
  title: string;
  maxBytes: number;
  keep: number;
  cols: number;
  rows: number;
  now?: () => number;
  onError?: (err: Error) => void;
  /** Bytes waiting for the disk past which output is skipped (and the skip marked) instead of piling up in memory. Default 32 MiB. */
  maxPendingBytes?: number;
}

const FILE_RE = /^(\d{6,})\.cast$/;

export class TranscriptWriter {
  private readonly opts: TranscriptOptions;
  private readonly now: () => number;
  private readonly decoder = new Utf8EscapeDecoder();
  private stream: WriteStream | null = null;
  private fileStartMs = 0;
  private fileBytes = 0;
  private seq: number;
  private cols: number;
  private rows: number;
  /** Offset of the first output byte not yet written in an event (held-back partial characters included). */
  private recordedOffset = 0;
  private pendingWrites = 0;
  private flushWaiters: (() => void)[] = [];
  private closed = false;
  private failed = false;
  private current: string | null = null;
  /** Files of this console, oldest first. */
  private readonly known: string[];
  private readonly maxPending: number;
  /** Offset where output stopped being recorded because the disk fell behind; null when recording. */
  private skippedFrom: number | null = null;

  constructor(opts: TranscriptOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.cols = opts.cols;
    this.rows = opts.rows;
    this.maxPending = opts.maxPendingBytes ?? 32 * 1024 * 1024;
    mkdirSync(opts.dir, { recursive: true });
    const existing = listCastFiles(opts.dir);
    this.known = existing.map((f) => f.name);
    this.seq = Math.max(0, ...existing.map((f) => f.seq));
  }

  /** Path of the file being written, null before the first event. */
  get currentFile(): string | null {
    return this.current;
  }

  /** Transcript files on disk, oldest first. */
  files(): string[] {
    return listCastFiles(this.opts.dir).map((f) => join(this.opts.dir, f.name));
  }

  /** Upstream output that begins at stream offset `offset`. */
  output(offset: number, bytes: Uint8Array): void {
    this.rotateIfFull();
    const expected = this.recordedOffset + this.decoder.pendingBytes;
    if (offset !== expected) {
      // Not expected to happen: the session feeds every byte in order. Say so rather than hide it.
      this.flushPartial();
      this.marker(`rb:discontinuity expected=${expected} got=${offset}`);
      this.recordedOffset = offset;
    }
    if (this.stream && this.stream.writableLength > this.maxPending) {
      if (this.skippedFrom === null) {
        this.flushPartial();
        this.skippedFrom = this.recordedOffset;
      }
      this.recordedOffset = offset + bytes.length;
      return;
    }
    if (this.skippedFrom !== null) {
      this.marker(`rb:skipped offset=${this.skippedFrom} bytes=${offset - this.skippedFrom} reason=disk too slow`);
      this.skippedFrom = null;
    }
    const text = this.decoder.write(bytes);
    if (text.length > 0) this.event('o', text);
    this.recordedOffset = offset + bytes.length - this.decoder.pendingBytes;
  }

  /** Keystrokes sent upstream, preceded by a marker naming who typed them. */
  input(identity: Identity, bytes: Uint8Array): void {
    this.rotateIfFull();
    const d = new Utf8EscapeDecoder();
    this.marker(`rb:input user=${identity.user}`);
    this.event('i', d.write(bytes) + d.flush());
  }

  /** The upstream connection was lost after `offset` bytes. */
  gapStart(offset: number, reason: string | undefined): void {
    this.rotateIfFull();
    this.flushPartial();
    this.marker(`rb:gap-start offset=${offset}${reason ? ` reason=${reason}` : ''}`);
  }

  /** The upstream connection is back; output resumes at `offset`. */
  gapEnd(offset: number): void {
    this.marker(`rb:gap-end offset=${offset}`);
  }

  resize(cols: number, rows: number): void {
    this.cols = cols;
    this.rows = rows;
    this.event('r', `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.rotateIfFull();
    this.event('m', label);
  }

  /** Resolves once every event so far is on disk (handed to the kernel). */
  flush(): Promise<void> {
    if (this.pendingWrites === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushPartial();
    this.closed = true;
    await this.endStream();
    // Files closed by earlier rotations may still be writing.
    await this.flush();
  }

  /** Emits a held-back partial character as escaped bytes (before a gap or at close). */
  private flushPartial(): void {
    const held = this.decoder.pendingBytes;
    if (held === 0) return;
    this.event('o', this.decoder.flush());
    this.recordedOffset += held;
  }

  private event(kind: 'o' | 'i' | 'm' | 'r', data: string): void {
    if (this.closed || this.failed) return;
    if (!this.stream) this.openFile();
    const t = Math.round((this.now() - this.fileStartMs) * 1000) / 1e6;
    this.writeLine(JSON.stringify([t, kind, data]));
  }

  /** Rotation happens between public calls so an input marker and its event share a file. */
  private rotateIfFull(): void {
    if (this.stream && this.fileBytes >= this.opts.maxBytes) void this.endStream();
  }

  private openFile(): void {
    this.seq++;
    const name = `${String(this.seq).padStart(6, '0')}.cast`;
    this.current = join(this.opts.dir, name);
    this.fileStartMs = this.now();
    this.fileBytes = 0;
    const stream = createWriteStream(this.current, { flags: 'a', mode: 0o640 });
    stream.on('error', (err) => {
      this.failed = true;
      this.opts.onError?.(err);
    });
    this.stream = stream;
    const header = {
      version: 2,
      width: this.cols,
      height: this.rows,
      timestamp: Math.floor(this.fileStartMs / 1000),
      title: this.opts.title,
      env: { TERM: 'xterm-256color' },
    };
    this.writeLine(JSON.stringify(header));
    this.writeLine(JSON.stringify([0, 'm', `rb:offset ${this.recordedOffset}`]));
    this.prune(name);
  }

  private writeLine(line: string): void {
    const s = this.stream;
    if (!s) return;
    const text = `${line}\n`;
    this.fileBytes += Buffer.byteLength(text, 'utf8');
    this.pendingWrites++;
    s.write(text, () => {
      this.pendingWrites--;
      if (this.pendingWrites === 0) for (const w of this.flushWaiters.splice(0)) w();
    });
  }

  private endStream(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return this.flush();
    return new Promise((resolve) => s.end(() => resolve()));
  }

  /** Keeps the newest `keep` files; tracked in memory because the newest opens may still be pending. */
  private prune(current: string): void {
    this.known.push(current);
    while (this.known.length > this.opts.keep) {
      const name = this.known.shift() as string;
      try {
        unlinkSync(join(this.opts.dir, name));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onError?.(e as Error);
      }
    }
  }
}

function listCastFiles(dir: string): { name: string; seq: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, m: FILE_RE.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ name: x.name, seq: Number(x.m[1]) }))
    .sort((a, b) => a.seq - b.seq);
}
