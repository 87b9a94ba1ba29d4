import { DecodeError, needBytes } from '../errors.ts';
import { encodeSubnegotiation, OPT_COM_PORT } from './telnet-codec.ts';

/**
 * RFC 2217 COM-PORT-OPTION basics: the client side of SET-BAUDRATE and
 * SET-CONTROL (break on/off), and decoding of the server's acknowledgements
 * (the same command number + 100).
 */
export const CPO_SET_BAUDRATE = 1;
export const CPO_SET_CONTROL = 5;
export const CPO_SERVER_OFFSET = 100;
export const CONTROL_BREAK_ON = 5;
export const CONTROL_BREAK_OFF = 6;

export function encodeSetBaudRate(baud: number): Buffer {
  const body = Buffer.alloc(5);
  body[0] = CPO_SET_BAUDRATE;
  body.writeUInt32BE(baud, 1);
  return encodeSubnegotiation(OPT_COM_PORT, body);
}

export function encodeSetControl(value: number): Buffer {
  return encodeSubnegotiation(OPT_COM_PORT, Buffer.from([CPO_SET_CONTROL, value]));
}

export type ComPortReply = { command: 'baudrate'; baud: number } | { command: 'control'; value: number } | { command: 'other'; code: number };

/** Decodes a server COM-PORT-OPTION subnegotiation body (after IAC SB 44). */
export function decodeComPortReply(body: Uint8Array): ComPortReply {
  needBytes(body, 0, 1, 'COM-PORT-OPTION reply');
  const code = body[0] as number;
  if (code < CPO_SERVER_OFFSET) throw new DecodeError('COM-PORT-OPTION reply', 0, `client command ${code} from the server`);
  switch (code - CPO_SERVER_OFFSET) {
    case CPO_SET_BAUDRATE:
      needBytes(body, 1, 4, 'COM-PORT-OPTION SET-BAUDRATE reply');
      return { command: 'baudrate', baud: Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32BE(1) };
    case CPO_SET_CONTROL:
      needBytes(body, 1, 1, 'COM-PORT-OPTION SET-CONTROL reply');
      return { command: 'control', value: body[1] as number };
    default:
      return { command: 'other', code };
  }
}
