import { DecodeError, needBytes } from '../../errors.ts';

/**
 * Tiny bounds-checked reader: every decoder goes through it so a short or
 * truncated packet always becomes a DecodeError naming the message and offset.
 */
export class Reader {
  offset: number;
  constructor(
    readonly buf: Uint8Array,
    readonly messageName: string,
    offset = 0,
  ) {
    this.offset = offset;
  }
  u8(): number {
    needBytes(this.buf, this.offset, 1, this.messageName);
    return this.buf[this.offset++] as number;
  }
  u16le(): number {
    needBytes(this.buf, this.offset, 2, this.messageName);
    const v = (this.buf[this.offset] as number) | ((this.buf[this.offset + 1] as number) << 8);
    this.offset += 2;
    return v;
  }
  u32le(): number {
    needBytes(this.buf, this.offset, 4, this.messageName);
    const b = this.buf;
    const o = this.offset;
    this.offset += 4;
    return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
  }
  bytes(n: number): Buffer {
    needBytes(this.buf, this.offset, n, this.messageName);
    const out = Buffer.from(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return out;
  }
  rest(): Buffer {
    return this.bytes(this.buf.length - this.offset);
  }
  remaining(): number {
    return this.buf.length - this.offset;
  }
  /** Throws unless the value is one the spec allows here. */
  expect(actual: number, ok: boolean, why: string, at = this.offset - 1): number {
    if (!ok) throw new DecodeError(this.messageName, at, `${why} (got 0x${actual.toString(16)})`);
    return actual;
  }
  fail(why: string, at = this.offset): never {
    throw new DecodeError(this.messageName, at, why);
  }
}

export function u32le(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b;
}

export function u16le(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v & 0xffff, 0);
  return b;
}
