import { isUtf8 } from 'node:buffer';

/**
 * Streaming UTF-8 decoder that never loses a byte: a multibyte character split
 * across chunks is held back until complete, and each byte that is not valid
 * UTF-8 becomes the lone surrogate U+DC00+byte (Python's "surrogateescape").
 * JSON.stringify writes those as "\udcXX", so a transcript stays valid JSON and
 * `encodeEscaped` gives back the exact bytes.
 */
export class Utf8EscapeDecoder {
  private carry: Buffer | null = null;

  /** Bytes held back waiting for the rest of a character. */
  get pendingBytes(): number {
    return this.carry?.length ?? 0;
  }

  write(chunk: Uint8Array): string {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      data = Buffer.concat([this.carry, data]);
      this.carry = null;
    }
    const cut = incompleteTailStart(data);
    if (cut < data.length) this.carry = Buffer.from(data.subarray(cut));
    const body = data.subarray(0, cut);
    return isUtf8(body) ? body.toString('utf8') : decodeSlow(body);
  }

  /** Gives up on a held-back partial character: its bytes are emitted escaped. */
  flush(): string {
    const c = this.carry;
    this.carry = null;
    return c ? decodeSlow(c) : '';
  }
}

/** Index where a possibly incomplete multibyte sequence at the end begins (length if none). */
function incompleteTailStart(buf: Buffer): number {
  for (let k = 1; k <= 3 && k <= buf.length; k++) {
    const b = buf[buf.length - k] as number;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xc2 && b <= 0xdf ? 2 : 1;
    return need > k ? buf.length - k : buf.length;
  }
  return buf.length;
}

function sequenceLength(buf: Buffer, i: number): number {
  const b0 = buf[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => {
    const b = buf[i + j];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

function decodeSlow(buf: Buffer): string {
  const parts: string[] = [];
  let runStart = 0;
  let i = 0;
  while (i < buf.length) {
    const n = sequenceLength(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) parts.push(buf.toString('utf8', runStart, i));
    parts.push(String.fromCharCode(0xdc00 + (buf[i] as number)));
    i++;
    runStart = i;
  }
  if (i > runStart) parts.push(buf.toString('utf8', runStart, i));
  return parts.join('');
}

/** Inverse of the decoder: text with escaped bytes back to the original bytes. */
export function encodeEscaped(text: string): Buffer {
  const parts: Buffer[] = [];
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (u >= 0xdc80 && u <= 0xdcff) {
      if (i > runStart) parts.push(Buffer.from(text.slice(runStart, i), 'utf8'));
      parts.push(Buffer.of(u - 0xdc00));
      runStart = i + 1;
    }
  }
  if (runStart < text.length) parts.push(Buffer.from(text.slice(runStart), 'utf8'));
  return Buffer.concat(parts);
}
