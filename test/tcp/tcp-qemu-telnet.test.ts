import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LabVm } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { TcpTransport } from '../../bmc-adapters/tcp/tcp-transport.ts';
import { TransportOutput } from './transport-output.ts';

/** QEMU's telnet server (chardev telnet=on) as the real peer: negotiation, IAC escaping and BRK. */
const BOOT_DEADLINE = 120_000;
const PROMPT = /tcp-telnet:[^#\r\n]*# /;

let dir: string;
let vm: LabVm;
let t: TcpTransport;
let out: TransportOutput;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-tcp-telnet-'));
  vm = new LabVm({ id: 'tcp-telnet' }, { stateDir: join(dir, 'vm'), serialPort: await freeTcpPort(), serialTelnet: true });
  await vm.start();
  t = new TcpTransport({ host: '127.0.0.1', port: vm.serialPort, telnet: 'auto', backoff: { initialMs: 20, maxMs: 200 } });
  out = new TransportOutput(t);
  await t.open();
});

after(async () => {
  await t?.close();
  await vm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('auto mode detects QEMU telnet; the console is clean and answers', async () => {
  await out.waitFor(PROMPT, BOOT_DEADLINE);
  assert.ok(t.telnetActive, 'QEMU telnet negotiates at connect');
  assert.ok(!out.text.includes('\xff'), 'no telnet bytes leak into the console');
  const word = `rb-${randomBytes(4).toString('hex')}`;
  const { end } = await out.waitFor(PROMPT, 1000);
  t.write(Buffer.from(`echo ${word}\r`));
  await out.waitFor(new RegExp(`\\r\\n${word}\\r\\n`), 30_000, end);
});

test('0xff typed by the user reaches the guest as one byte', async () => {
  const { end } = await out.waitFor(PROMPT, 1000);
  // printf reads back what the tty received: one 0xff byte, shown by od as 377.
  t.write(Buffer.concat([Buffer.from("printf '%s' '"), Buffer.from([0xff]), Buffer.from("' | od -An -tx1 | tr -d ' '\r")]));
  await out.waitFor(/\r\nff\r\n/, 30_000, end);
});

test('sendBreak is a serial break: the guest kernel sees SysRq', async () => {
  const { end } = await out.waitFor(PROMPT, 1000);
  t.sendBreak();
  // Linux treats break + key on a serial console as SysRq; 'h' prints the help line.
  t.write(Buffer.from('h'));
  await out.waitFor(/sysrq/i, 30_000, end);
});
