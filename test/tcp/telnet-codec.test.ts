import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../../bmc-adapters/errors.ts';
import {
  BRK, DO, DONT, encodeData, encodeSubnegotiation, IAC, MAX_SUBNEGOTIATION_BYTES, NOP, OPT_BINARY, OPT_COM_PORT, OPT_ECHO, OPT_SGA, SB, SE,
  TelnetDecoder, WILL, WONT, type TelnetEvent,
} from '../../bmc-adapters/tcp/telnet-codec.ts';
import { TelnetOptions } from '../../bmc-adapters/tcp/telnet-options.ts';
import { CONTROL_BREAK_ON, decodeComPortReply, encodeSetBaudRate, encodeSetControl } from '../../bmc-adapters/tcp/rfc2217.ts';

const b = (...xs: number[]) => Buffer.from(xs);
const data = (evs: TelnetEvent[]) => Buffer.concat(evs.flatMap((e) => (e.type === 'data' ? [e.data] : [])));

/** Feeds `input` split at every possible position into two chunks; all splits must decode alike. */
function decodeAllSplits(input: Buffer, binary = false): TelnetEvent[] {
  const whole = new TelnetDecoder({ peerBinary: () => binary }).push(input);
  for (let cut = 0; cut <= input.length; cut++) {
    const d = new TelnetDecoder({ peerBinary: () => binary });
    const evs = [...d.push(input.subarray(0, cut)), ...d.push(input.subarray(cut))];
    const nonData = (xs: TelnetEvent[]) => xs.filter((e) => e.type !== 'data');
    assert.deepEqual(data(evs), data(whole), `data differs when split at ${cut}`);
    assert.deepEqual(nonData(evs), nonData(whole), `events differ when split at ${cut}`);
  }
  return whole;
}

test('plain bytes pass through unchanged', () => {
  const evs = decodeAllSplits(Buffer.from('hello\r\nworld'));
  assert.equal(data(evs).toString(), 'hello\r\nworld');
});

test('IAC IAC is one 0xff data byte, at any split', () => {
  const evs = decodeAllSplits(b(0x41, IAC, IAC, 0x42, IAC, IAC));
  assert.deepEqual([...data(evs)], [0x41, 0xff, 0x42, 0xff]);
});

test('negotiations and commands come out in order with the data around them', () => {
  const evs = decodeAllSplits(b(0x61, IAC, WILL, OPT_ECHO, 0x62, IAC, NOP, IAC, DO, OPT_SGA, 0x63));
  assert.deepEqual(
    evs.map((e) => (e.type === 'data' ? e.data.toString() : e.type === 'negotiate' ? `${e.verb} ${e.option}` : e.type === 'command' ? `cmd ${e.command}` : 'sb')),
    ['a', 'WILL 1', 'b', `cmd ${NOP}`, 'DO 3', 'c'],
  );
});

test('subnegotiation with an escaped IAC inside, split anywhere', () => {
  const evs = decodeAllSplits(b(IAC, SB, OPT_COM_PORT, 101, IAC, IAC, 0, 0, 1, IAC, SE, 0x7a));
  const sb = evs.find((e) => e.type === 'subnegotiation');
  assert.ok(sb && sb.type === 'subnegotiation');
  assert.equal(sb.option, OPT_COM_PORT);
  assert.deepEqual([...sb.data], [101, 0xff, 0, 0, 1]);
  assert.equal(data(evs).toString(), 'z');
});

test('CR NUL becomes CR in NVT mode, and stays in binary mode', () => {
  assert.deepEqual([...data(decodeAllSplits(b(13, 0, 0x78)))], [13, 0x78]);
  assert.deepEqual([...data(decodeAllSplits(b(13, 0, 0x78), true))], [13, 0, 0x78]);
});

test('a bad byte after IAC inside SB is a DecodeError naming the stream offset', () => {
  const d = new TelnetDecoder();
  d.push(b(0x41, 0x42));
  assert.throws(() => d.push(b(IAC, SB, 24, 1, IAC, 0x10)), (e: unknown) => e instanceof DecodeError && e.offset === 7 && e.code === 'E_DECODE');
  // the decoder resynchronises on the following data
  assert.equal(data(d.push(Buffer.from('ok'))).toString(), 'ok');
});

test('an endless subnegotiation is refused, not buffered', () => {
  const d = new TelnetDecoder();
  assert.throws(() => d.push(Buffer.concat([b(IAC, SB, 24), Buffer.alloc(MAX_SUBNEGOTIATION_BYTES + 1, 0x20)])), DecodeError);
});

test('encodeData doubles IAC and pads a bare CR with NUL outside binary mode', () => {
  assert.deepEqual([...encodeData(b(1, IAC, 2), true)], [1, IAC, IAC, 2]);
  assert.deepEqual([...encodeData(b(13, 0x61, 13, 10), false)], [13, 0, 0x61, 13, 10]);
  assert.deepEqual([...encodeData(b(13, 0x61), true)], [13, 0x61]);
  assert.deepEqual([...encodeSubnegotiation(OPT_COM_PORT, b(1, IAC))], [IAC, SB, OPT_COM_PORT, 1, IAC, IAC, IAC, SE]);
});

test('round trip: encoded data decodes to the original bytes', () => {
  const original = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 37) & 0xff));
  const d = new TelnetDecoder({ peerBinary: () => true });
  assert.deepEqual(data(d.push(encodeData(original, true))), original);
});

test('option negotiation: accepts what a console client wants, refuses the rest, never loops', () => {
  const o = new TelnetOptions();
  assert.deepEqual(o.receive('WILL', OPT_ECHO), [b(IAC, DO, OPT_ECHO)]);
  assert.deepEqual(o.receive('WILL', OPT_ECHO), [], 'a repeated WILL gets no answer');
  assert.deepEqual(o.receive('DO', OPT_BINARY), [b(IAC, WILL, OPT_BINARY)]);
  assert.ok(o.isLocal(OPT_BINARY));
  assert.deepEqual(o.receive('DO', 24 /* TERMINAL-TYPE */), [b(IAC, WONT, 24)]);
  assert.deepEqual(o.receive('WILL', 34 /* LINEMODE */), [b(IAC, DONT, 34)]);
  assert.deepEqual(o.receive('DONT', OPT_BINARY), [b(IAC, WONT, OPT_BINARY)]);
  assert.ok(!o.isLocal(OPT_BINARY));
  assert.deepEqual(o.receive('DONT', OPT_BINARY), []);
});

test('option negotiation: our own requests are settled by the answer without a reply', () => {
  const o = new TelnetOptions();
  const reqs = Buffer.concat(o.initialRequests());
  assert.ok(reqs.includes(b(IAC, WILL, OPT_BINARY)) && reqs.includes(b(IAC, DO, OPT_SGA)));
  assert.deepEqual(o.receive('DO', OPT_BINARY), []);
  assert.deepEqual(o.receive('WONT', OPT_SGA), []);
  assert.ok(o.isLocal(OPT_BINARY));
  assert.ok(!o.isRemote(OPT_SGA));
});

test('RFC 2217: SET-BAUDRATE and SET-CONTROL encode, server replies decode', () => {
  assert.deepEqual([...encodeSetBaudRate(115200)], [IAC, SB, OPT_COM_PORT, 1, 0, 1, 0xc2, 0, IAC, SE]);
  assert.deepEqual([...encodeSetControl(CONTROL_BREAK_ON)], [IAC, SB, OPT_COM_PORT, 5, 5, IAC, SE]);
  assert.deepEqual(decodeComPortReply(b(101, 0, 0, 0x25, 0x80)), { command: 'baudrate', baud: 9600 });
  assert.throws(() => decodeComPortReply(b(101, 0)), DecodeError);
});

test('BRK is IAC 243', () => {
  assert.equal(BRK, 243);
});
