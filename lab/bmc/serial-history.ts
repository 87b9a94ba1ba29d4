/**
 * The last `capacity` bytes a machine wrote to its console, so a SOL session
 * opened after boot still sees the boot messages (real BMCs keep a similar
 * buffer). Fixed memory: one ring, overwritten oldest first.
 */
export class SerialHistory {
  private readonly ring: Buffer;
  private start = 0;
  private length = 0;

  constructor(readonly capacity = 64 * 1024) {
    this.ring = Buffer.alloc(capacity);
  }

  append(chunk: Uint8Array): void {
    let data = chunk;
    if (data.length >= this.capacity) {
      data = data.subarray(data.length - this.capacity);
      this.start = 0;
      this.length = 0;
    }
    for (let i = 0; i < data.length; ) {
      const end = (this.start + this.length) % this.capacity;
      const room = this.length < this.capacity ? Math.min(this.capacity - end, this.capacity - this.length) : 0;
      if (room === 0) {
        // Full: drop the oldest bytes to make room for the rest.
        const drop = Math.min(data.length - i, this.capacity - this.start);
        this.start = (this.start + drop) % this.capacity;
        this.length -= drop;
        continue;
      }
      const n = Math.min(room, data.length - i);
      this.ring.set(data.subarray(i, i + n), end);
      this.length += n;
      i += n;
    }
  }

  /** A copy of the retained bytes, oldest first. */
  snapshot(): Buffer {
    const first = this.ring.subarray(this.start, Math.min(this.capacity, this.start + this.length));
    const rest = this.ring.subarray(0, this.length - first.length);
    return Buffer.concat([first, rest]);
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
