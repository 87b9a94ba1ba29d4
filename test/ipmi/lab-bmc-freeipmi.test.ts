import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BmcUser } from '../../lab/bmc/ipmi/users.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import { PtyTool, freeipmiConfig, killAll, runTool, waitUntil } from '../lab-bmc/helpers/tools.ts';

/**
 * The lab BMC against FreeIPMI (ipmipower, ipmi-chassis, bmc-info,
 * ipmiconsole), LAN_2_0, suites 3 and 17. Credentials go in a 0600
 * --config-file, never on the command line.
 */
class ConsoleMachine extends SimulatedMachine {
  typed = '';
  override writeSerial(data: Uint8Array): boolean {
    this.typed += Buffer.from(data).toString('latin1');
    return true;
  }
}

const ADMIN: BmcUser = { name: 'admin', password: 'fi-admin-pw', privilege: 4 };

describe('lab BMC vs FreeIPMI', () => {
  const machine = new ConsoleMachine('freeipmi-sim', 'off');
  const bmc = new VirtualBmc({ machine, users: [ADMIN] });
  const configs = new Map<number, ReturnType<typeof freeipmiConfig>>();
  let host = '';

  before(async () => {
    const p = await bmc.start();
    host = `${p.host}:${p.ipmi}`;
    for (const s of [3, 17]) configs.set(s, freeipmiConfig(ADMIN.name, ADMIN.password, s));
  });
  after(async () => {
    killAll();
    await bmc.stop();
    for (const c of configs.values()) c.cleanup();
  });

  const tool = (cmd: string, suite: number, args: string[]) =>
    runTool(cmd, [`--config-file=${configs.get(suite)?.file}`, '-D', 'LAN_2_0', '-h', host, ...args], { timeoutMs: 30_000 });

  for (const suite of [3, 17]) {
    test(`suite ${suite}: ipmipower --stat/--on/--off, ipmi-chassis, bmc-info`, async () => {
      await machine.powerOff();
      let r = await tool('ipmipower', suite, ['--stat']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /: off$/m);
      r = await tool('ipmipower', suite, ['--on']);
      assert.match(r.stdout, /: ok$/m);
      assert.equal(machine.power, 'on');
      r = await tool('ipmipower', suite, ['--stat']);
      assert.match(r.stdout, /: on$/m);
      r = await tool('ipmi-chassis', suite, ['--get-chassis-status']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /System Power\s+: on/);
      assert.match(r.stdout, /Last Power Event\s+: power on via ipmi command/);
      r = await tool('ipmipower', suite, ['--off']);
      assert.match(r.stdout, /: ok$/m);
      assert.equal(machine.power, 'off');
      r = await tool('bmc-info', suite, ['--get-device-id']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /IPMI Version\s+: 2\.0/);
      r = await tool('ipmi-chassis', suite, ['--get-chassis-capabilities']);
      assert.equal(r.code, 0, r.stderr);
    });
  }

  test('ipmiconsole (port 623 on a random 127/8 address: ipmiconsole takes no port)', async (t) => {
    // ipmiconsole 1.6 has no port option; a private loopback address keeps 623 free of clashes.
    let bmc623: VirtualBmc | undefined;
    let addr = '';
    for (let i = 0; i < 5 && !bmc623; i++) {
      addr = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      const b = new VirtualBmc({ machine, users: [ADMIN], host: addr, ipmiPort: 623 });
      try {
        await b.start();
        bmc623 = b;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EACCES') {
          t.skip('binding UDP 623 needs root or CAP_NET_BIND_SERVICE');
          return;
        }
      }
    }
    assert.ok(bmc623, 'no free 127/8 address for port 623');
    const con = new PtyTool(`ipmiconsole --config-file=${configs.get(17)?.file} -h ${addr}`, {});
    try {
      await con.waitFor('[SOL established]', 15_000);
      machine.emit('serial', Buffer.from('lab-console-ready\r\n'));
      await con.waitFor('lab-console-ready', 10_000);
      con.write('uname\r');
      await waitUntil(() => machine.typed.includes('uname\r'), 10_000, 'typed bytes at the machine');
      con.write('&.');
      assert.equal(await con.exited, 0);
    } finally {
      con.kill();
      await bmc623.stop();
    }
  });
});
