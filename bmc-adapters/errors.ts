/**
 * Every error the adapters throw carries a stable `code` for programs and a
 * message for humans. Protocol decoders add where in the input they failed.
 */
export class AdapterError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A decoder met bytes it cannot accept: names the message and the byte offset. */
export class DecodeError extends AdapterError {
  readonly messageName: string;
  readonly offset: number;
  constructor(messageName: string, offset: number, why: string) {
    super('E_DECODE', `${messageName}: ${why} at offset ${offset}`);
    this.messageName = messageName;
    this.offset = offset;
  }
}

/** Throws DecodeError unless `buf` holds at least `need` bytes from `offset`. */
export function needBytes(buf: Uint8Array, offset: number, need: number, messageName: string): void {
  if (offset < 0 || buf.length - offset < need) {
    throw new DecodeError(messageName, offset, `need ${need} bytes, have ${Math.max(0, buf.length - offset)}`);
  }
}
