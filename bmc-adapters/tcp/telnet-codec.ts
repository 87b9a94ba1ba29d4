import { DecodeError } from '../errors.ts';

/**
 * Telnet (RFC 854/855) wire codec: a streaming decoder and the encoders,
 * without I/O or option policy (see telnet-options.ts). Chunks may split any
 * sequence anywhere, including between IAC and its command.
 */
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const NOP = 241;
export const BRK = 243;
export const AYT = 246;
export const SE = 240;

export const OPT_BINARY = 0;
export const OPT_ECHO = 1;
export const OPT_SGA = 3;
/** RFC 2217 COM-PORT-OPTION. */
export const OPT_COM_PORT = 44;

export type NegotiationVerb = 'DO' | 'DONT' | 'WILL' | 'WONT';
const VERB_BYTE: Record<NegotiationVerb, number> = { DO, DONT, WILL, WONT };
const BYTE_VERB = new Map<number, NegotiationVerb>([
  [DO, 'DO'],
  [DONT, 'DONT'],
  [WILL, 'WILL'],
  [WONT, 'WONT'],
]);

export type TelnetEvent =
  | { type: 'data'; data: Buffer }
  | { type: 'negotiate'; verb: NegotiationVerb; option: number }
  | { type: 'subnegotiation'; option: number; data: Buffer }
  /** Any other two-byte command from the peer (NOP, BRK, AYT, GA...). */
  | { type: 'command'; command: number };

/** Longest subnegotiation we buffer; a peer that never sends IAC SE cannot eat memory. */
export const MAX_SUBNEGOTIATION_BYTES = 4096;

const enum St {
  Data,
  Iac,
  Verb,
  SbOption,
  Sb,
  SbIac,
}

export interface TelnetDecoderOptions {
  /**
   * Whether the peer sends binary (TRANSMIT-BINARY enabled on its side). In
   * NVT mode "CR NUL" means a bare CR, so the NUL is dropped.
   */
  peerBinary?: () => boolean;
}

export class TelnetDecoder {
  private st = St.Data;
  private verb = 0;
  private sbOption = 0;
  private sb: number[] = [];
  private lastWasCr = false;
  /** Bytes consumed since construction: DecodeError offsets are absolute in the stream. */
  private consumed = 0;
  private readonly peerBinary: () => boolean;

  constructor(opts: TelnetDecoderOptions = {}) {
    this.peerBinary = opts.peerBinary ?? (() => false);
  }

  /** Decodes one chunk; data bytes of the chunk come out as few 'data' events as possible. */
  push(chunk: Uint8Array): TelnetEvent[] {
    const events: TelnetEvent[] = [];
    let out: number[] | null = null;
    let runStart = -1;
    const flushRun = (end: number) => {
      if (runStart >= 0 && end > runStart) {
        (out ??= []).push(...chunk.subarray(runStart, end));
      }
      runStart = -1;
    };
    const flushData = () => {
      if (out && out.length) events.push({ type: 'data', data: Buffer.from(out) });
      out = null;
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      switch (this.st) {
        case St.Data:
          if (b === IAC) {
            flushRun(i);
            this.st = St.Iac;
          } else if (b === 0 && this.lastWasCr && !this.peerBinary()) {
            flushRun(i); // drop the NUL of CR NUL
            this.lastWasCr = false;
          } else {
            if (runStart < 0) runStart = i;
            this.lastWasCr = b === 13;
          }
          break;
        case St.Iac:
          if (b === IAC) {
            (out ??= []).push(IAC);
            this.lastWasCr = false;
            this.st = St.Data;
          } else if (BYTE_VERB.has(b)) {
            this.verb = b;
            this.st = St.Verb;
          } else if (b === SB) {
            this.st = St.SbOption;
          } else {
            flushData();
            events.push({ type: 'command', command: b });
            this.st = St.Data;
          }
          break;
        case St.Verb:
          flushData();
          events.push({ type: 'negotiate', verb: BYTE_VERB.get(this.verb) as NegotiationVerb, option: b });
          this.st = St.Data;
          break;
        case St.SbOption:
          this.sbOption = b;
          this.sb = [];
          this.st = St.Sb;
          break;
        case St.Sb:
          if (b === IAC) this.st = St.SbIac;
          else this.sbByte(b, i);
          break;
        case St.SbIac:
          if (b === IAC) {
            this.sbByte(IAC, i);
            this.st = St.Sb;
          } else if (b === SE) {
            flushData();
            events.push({ type: 'subnegotiation', option: this.sbOption, data: Buffer.from(this.sb) });
            this.sb = [];
            this.st = St.Data;
          } else {
            const at = this.consumed + i;
            this.reset();
            throw new DecodeError('telnet subnegotiation', at, `IAC 0x${b.toString(16)} inside SB ${this.sbOption}, expected IAC SE or IAC IAC`);
          }
          break;
      }
    }
    flushRun(chunk.length);
    flushData();
    this.consumed += chunk.length;
    return events;
  }

  private sbByte(b: number, i: number): void {
    if (this.sb.length >= MAX_SUBNEGOTIATION_BYTES) {
      const at = this.consumed + i;
      this.reset();
      throw new DecodeError('telnet subnegotiation', at, `SB ${this.sbOption} longer than ${MAX_SUBNEGOTIATION_BYTES} bytes without IAC SE`);
    }
    this.sb.push(b);
  }

  private reset(): void {
    this.st = St.Data;
    this.sb = [];
  }
}

/**
 * Escapes data for the wire: IAC doubled; outside binary mode a bare CR
 * becomes CR NUL (RFC 854), so the peer does not wait for an LF.
 */
export function encodeData(data: Uint8Array, binary: boolean): Buffer {
  let extra = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b === IAC || (!binary && b === 13 && data[i + 1] !== 10)) extra++;
  }
  if (extra === 0) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.allocUnsafe(data.length + extra);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i] as number;
    out[o++] = b;
    if (b === IAC) out[o++] = IAC;
    else if (!binary && b === 13 && data[i + 1] !== 10) out[o++] = 0;
  }
  return out;
}

export function encodeNegotiation(verb: NegotiationVerb, option: number): Buffer {
  return Buffer.from([IAC, VERB_BYTE[verb], option]);
}

export function encodeCommand(command: number): Buffer {
  return Buffer.from([IAC, command]);
}

export function encodeSubnegotiation(option: number, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([IAC, SB, option]), encodeData(data, true), Buffer.from([IAC, SE])]);
}
