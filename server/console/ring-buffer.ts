/**
 * Byte ring addressed by absolute stream offsets. Memory grows by doubling up
 * to `capacity` so a thousand idle consoles do not each pin 4 MiB.
 */
export const RING_GONE = 'gone' as const;

export class RingBuffer {
  readonly capacity: number;
  private buf: Buffer;
  private startOffset = 0;
  private headOffset = 0;

  constructor(capacity: number, initialBytes = 4096) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.buf = Buffer.allocUnsafe(Math.min(capacity, initialBytes));
  }

  /** Oldest offset still held. */
  get start(): number {
    return this.startOffset;
  }

  /** Offset the next appended byte will get (= total bytes ever appended). */
  get head(): number {
    return this.headOffset;
  }

  /** Bytes of memory currently allocated (for the bench and diagnostics). */
  get allocatedBytes(): number {
    return this.buf.length;
  }

  append(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (n >= this.capacity) {
      this.ensureSize(this.capacity);
      const tail = chunk.subarray(n - this.capacity);
      this.headOffset += n;
      this.startOffset = this.headOffset - this.capacity;
      this.writeAt(this.startOffset, tail);
      return;
    }
    const held = this.headOffset - this.startOffset;
    if (held + n > this.buf.length && this.buf.length < this.capacity) {
      let size = this.buf.length;
      while (size < held + n) size *= 2;
      this.ensureSize(Math.min(this.capacity, size));
    }
    this.writeAt(this.headOffset, chunk);
    this.headOffset += n;
    this.startOffset = Math.max(this.startOffset, this.headOffset - this.buf.length);
  }

  /** Copy of bytes [from, to); RING_GONE when `from` has already been overwritten. */
  read(from: number, to: number = this.headOffset): Buffer | typeof RING_GONE {
    if (from < this.startOffset) return RING_GONE;
    if (from > to || to > this.headOffset) throw new RangeError(`ring read [${from}, ${to}) outside [${this.startOffset}, ${this.headOffset}]`);
    const out = Buffer.allocUnsafe(to - from);
    this.copyOut(from, to, out);
    return out;
  }

  private copyOut(from: number, to: number, target: Buffer): void {
    const len = this.buf.length;
    let done = 0;
    let pos = from % len;
    let left = to - from;
    while (left > 0) {
      const take = Math.min(left, len - pos);
      this.buf.copy(target, done, pos, pos + take);
      done += take;
      left -= take;
      pos = 0;
    }
  }

  private writeAt(offset: number, data: Uint8Array): void {
    const len = this.buf.length;
    let pos = offset % len;
    let done = 0;
    while (done < data.length) {
      const take = Math.min(data.length - done, len - pos);
      this.buf.set(data.subarray(done, done + take), pos);
      done += take;
      pos = 0;
    }
  }

  private ensureSize(size: number): void {
    if (this.buf.length >= size) return;
    const next = Buffer.allocUnsafe(size);
    const held = this.headOffset - this.startOffset;
    if (held > 0) {
      const linear = Buffer.allocUnsafe(held);
      this.copyOut(this.startOffset, this.headOffset, linear);
      this.buf = next;
      this.writeAt(this.startOffset, linear);
    } else {
      this.buf = next;
    }
  }
}
