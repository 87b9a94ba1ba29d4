import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import type { BmcUser } from '../../lab/bmc/ipmi/users.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { PtyTool, killAll, runTool, waitUntil } from '../lab-bmc/helpers/tools.ts';

/**
 * The lab BMC against ipmitool (a peer nobody here wrote), suites 3 and 17,
 * with a simulated machine so every command is answered at once. The QEMU
 * machine behind the BMC is proven in lab-bmc-vm.test.ts.
 */
class ConsoleMachine extends SimulatedMachine {
  typed = '';
  override writeSerial(data: Uint8Array): boolean {
    this.typed += Buffer.from(data).toString('latin1');
    return true;
  }
}

const ADMIN: BmcUser = { name: 'admin', password: 'lab-admin-pw', privilege: 4 };
const VIEWER: BmcUser = { name: 'viewer', password: 'lab-viewer-pw', privilege: 2 };

describe('lab BMC vs ipmitool -I lanplus', () => {
  const machine = new ConsoleMachine('ipmitool-sim', 'off');
  const bmc = new VirtualBmc({ machine, users: [ADMIN, VIEWER] });
  let port = 0;

  before(async () => {
    port = (await bmc.start()).ipmi;
  });
  after(async () => {
    killAll();
    await bmc.stop();
  });

  const ipmitool = (suite: number, args: string[], user = ADMIN, extra: string[] = []) =>
    runTool('ipmitool', ['-I', 'lanplus', '-H', '127.0.0.1', '-p', String(port), '-U', user.name, '-E', '-C', String(suite), '-N', '1', '-R', '2', ...extra, ...args], {
      env: { IPMI_PASSWORD: user.password },
    });

  for (const suite of [3, 17]) {
    test(`suite ${suite}: mc info, chassis status, power, bootdev`, async () => {
      const mc = await ipmitool(suite, ['mc', 'info']);
      assert.equal(mc.code, 0, mc.stderr);
      assert.match(mc.stdout, /IPMI Version\s+: 2\.0/);

      await machine.powerOff();
      let r = await ipmitool(suite, ['chassis', 'status']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /System Power\s+: off/);

      r = await ipmitool(suite, ['chassis', 'power', 'on']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(machine.power, 'on');
      r = await ipmitool(suite, ['chassis', 'power', 'status']);
      assert.match(r.stdout, /Chassis Power is on/);

      let cycles = 0;
      const count = (p: string) => (cycles += p === 'off' ? 1 : 0);
      machine.on('power', count);
      r = await ipmitool(suite, ['chassis', 'power', 'cycle']);
      machine.off('power', count);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(cycles, 1, 'a cycle goes through off');
      assert.equal(machine.power, 'on');

      r = await ipmitool(suite, ['chassis', 'power', 'off']);
      assert.equal(r.code, 0, r.stderr);
      r = await ipmitool(suite, ['chassis', 'power', 'status']);
      assert.match(r.stdout, /Chassis Power is off/);

      for (const dev of ['pxe', 'disk', 'cdrom'] as const) {
        r = await ipmitool(suite, ['chassis', 'bootdev', dev]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(machine.getBootOverride(), { device: dev, persistent: false, efi: false });
      }
      r = await ipmitool(suite, ['chassis', 'bootdev', 'pxe', 'options=persistent,efiboot']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(machine.getBootOverride(), { device: 'pxe', persistent: true, efi: true });
      r = await ipmitool(suite, ['chassis', 'bootparam', 'get', '5']);
      assert.match(r.stdout, /Force PXE/);
      assert.match(r.stdout, /all future boots/);

      // A one-time override is used by the next power-on and then cleared.
      assert.equal((await ipmitool(suite, ['chassis', 'bootdev', 'cdrom'])).code, 0);
      await ipmitool(suite, ['chassis', 'power', 'on']);
      assert.equal(machine.lastBootDevice, 'cdrom');
      assert.equal(machine.getBootOverride().device, 'none');
      await ipmitool(suite, ['chassis', 'power', 'off']);
    });
  }

  test('cipher suites listed: 3 and 17 only', async () => {
    const r = await ipmitool(17, ['channel', 'getciphers', 'ipmi']);
    assert.equal(r.code, 0, r.stderr);
    const ids = r.stdout
      .split('\n')
      .map((l) => /^(\d+)\s/.exec(l)?.[1])
      .filter(Boolean);
    assert.deepEqual(ids, ['3', '17']);
  });

  test('refusals: other suites, wrong password, privilege above the user', async () => {
    let r = await ipmitool(1, ['chassis', 'power', 'status']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no matching cipher suite/i);

    r = await ipmitool(17, ['chassis', 'power', 'status'], { ...ADMIN, password: 'wrong' });
    assert.notEqual(r.code, 0);

    // The viewer asking for administrator is refused at RAKP; as USER it reads but may not act.
    r = await ipmitool(17, ['chassis', 'power', 'status'], VIEWER);
    assert.notEqual(r.code, 0);
    r = await ipmitool(17, ['chassis', 'power', 'status'], VIEWER, ['-L', 'USER']);
    assert.equal(r.code, 0, r.stderr);
    r = await ipmitool(17, ['chassis', 'power', 'on'], VIEWER, ['-L', 'USER']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Insufficient privilege/i);
    assert.equal(machine.power, 'off');
  });

  test('sol activate: history, live output, typed bytes, ~. to leave', async () => {
    machine.emit('serial', Buffer.from('boot banner before activation\r\n'));
    const sol = new PtyTool(`ipmitool -I lanplus -H 127.0.0.1 -p ${port} -U ${ADMIN.name} -E -C 17 sol activate`, { IPMI_PASSWORD: ADMIN.password });
    try {
      await sol.waitFor('SOL Session operational', 10_000);
      await sol.waitFor('boot banner before activation', 10_000);
      machine.emit('serial', Buffer.from('login: '));
      await sol.waitFor('login: ', 10_000);
      sol.write('root\r');
      await waitUntil(() => machine.typed.includes('root\r'), 10_000);
      assert.deepEqual(bmc.ipmi.activeSolInstances(), [1]);
      // ipmitool's escape works only right after a newline.
      sol.write('~.');
      await sol.waitFor('terminated ipmitool', 10_000);
      assert.equal(await sol.exited, 0);
      await waitUntil(() => bmc.ipmi.activeSolInstances().length === 0, 5_000);
    } finally {
      sol.kill();
    }
  });

  test('sol info shows every parameter; sol set changes a writable one', async () => {
    let r = await ipmitool(17, ['sol', 'info', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Enabled\s+: true/);
    assert.match(r.stdout, /Force Encryption\s+: false/);
    assert.match(r.stdout, /Privilege Level\s+: USER/);
    assert.match(r.stdout, /Character Send Threshold\s+: 96/);
    assert.match(r.stdout, /Non-Volatile Bit Rate \(kbps\)\s+: 115\.2/);
    assert.match(r.stdout, /Payload Channel\s+: 1/);
    assert.match(r.stdout, new RegExp(`Payload Port\\s+: ${port}\\b`));
    r = await ipmitool(17, ['sol', 'set', 'retry-count', '5', '1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await ipmitool(17, ['sol', 'set', 'volatile-bit-rate', '57.6', '1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await ipmitool(17, ['sol', 'info', '1']);
    assert.match(r.stdout, /Retry Count\s+: 5/);
    assert.match(r.stdout, /Volatile Bit Rate \(kbps\)\s+: 57\.6/);
  });
});

