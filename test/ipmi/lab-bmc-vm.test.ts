import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BmcUser } from '../../lab/bmc/ipmi/users.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import { VmMachine } from '../../lab/bmc/vm-machine.ts';
import { labReadyMarker } from '../../lab/vm/lab-paths.ts';
import { LabVm } from '../../lab/vm/lab-vm.ts';
import { freeTcpPort } from '../../lab/vm/ports.ts';
import { PtyTool, freeipmiConfig, killAll, runTool } from '../lab-bmc/helpers/tools.ts';
import { IpmiClient } from '../../bmc-adapters/ipmi/client.ts';
import { SolTransport } from '../../bmc-adapters/ipmi/sol/sol-transport.ts';
import { UdpPool } from '../../bmc-adapters/ipmi/transport/udp-pool.ts';

/**
 * The lab BMC in front of a real lab machine (QEMU, TCG here): power through
 * ipmitool starts and stops QEMU, the console reaches ipmitool's and
 * ipmiconsole's SOL, typed commands are echoed by the machine's shell, boot
 * overrides pick QEMU's boot device. One VM for the whole file.
 */
const ADMIN: BmcUser = { name: 'admin', password: 'vm-admin-pw', privilege: 4 };
const BOOT_DEADLINE_MS = 90_000;

describe('lab BMC in front of a QEMU lab machine', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rb-labbmc-vm-'));
  let vm: LabVm;
  let machine: VmMachine;
  let bmc: VirtualBmc;
  let port = 0;
  const cfg = freeipmiConfig(ADMIN.name, ADMIN.password, 17);
  const pool = new UdpPool({ sockets: 1, bindAddress: '127.0.0.1' });

  before(async () => {
    vm = new LabVm({ id: 'labbmc' }, { stateDir, serialPort: await freeTcpPort() });
    machine = new VmMachine(vm);
    bmc = new VirtualBmc({ machine, users: [ADMIN] });
    port = (await bmc.start()).ipmi;
  });

  after(async () => {
    killAll();
    await pool.close();
    await bmc?.stop();
    await machine?.close();
    await vm?.stop();
    cfg.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const ipmitool = (args: string[]) =>
    runTool('ipmitool', ['-I', 'lanplus', '-H', '127.0.0.1', '-p', String(port), '-U', ADMIN.name, '-E', '-C', '17', ...args], { env: { IPMI_PASSWORD: ADMIN.password }, timeoutMs: 30_000 });

  /** The machine's next transition to `state` (slow QEMU starts may outlast the BMC's reply). */
  const nextPower = (state: 'on' | 'off', timeoutMs = 60_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`machine not ${state} within ${timeoutMs} ms`)), timeoutMs);
      const on = (p: string): void => {
        if (p !== state) return;
        clearTimeout(timer);
        machine.off('power', on);
        resolve();
      };
      machine.on('power', on);
    });
  const powerIs = (state: 'on' | 'off'): Promise<void> => (machine.power === state ? Promise.resolve() : nextPower(state));

  test('our client, suite 17, end to end: power on, boot output over SOL, typed command echoed', async () => {
    const client = await IpmiClient.connect({ host: '127.0.0.1', port, username: ADMIN.name, password: ADMIN.password, cipherSuites: [17], pool });
    const sol = new SolTransport({ host: '127.0.0.1', port, username: ADMIN.name, password: ADMIN.password, cipherSuites: [17], pool });
    let text = '';
    const seen = (needle: string, timeoutMs: number, from = 0): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (text.indexOf(needle, from) >= 0) {
            clearTimeout(timer);
            sol.off('data', check);
            resolve();
          }
        };
        const timer = setTimeout(() => reject(new Error(`SOL did not show ${needle} within ${timeoutMs} ms; tail ${JSON.stringify(text.slice(-500))}`)), timeoutMs);
        sol.on('data', check);
        check();
      });
    sol.on('data', (d) => (text += d.toString('latin1')));
    try {
      assert.equal(await client.powerStatus(), 'off');
      await sol.open();
      await client.power('on', { wait: true });
      assert.equal(vm.power, 'on');
      await seen(labReadyMarker, BOOT_DEADLINE_MS);
      const token = `client-${randomInt(1e9)}`;
      const from = text.length;
      assert.equal(sol.write(Buffer.from(`\recho ${token}-$((6*7))\r`)), true);
      await seen(`${token}-42`, 20_000, from);
      assert.equal(await client.powerStatus(), 'on');
    } finally {
      await sol.close();
      await client.close();
    }
  });

  test('ipmitool sol activate: boot history, then a typed command is echoed by the shell', async () => {
    assert.match((await ipmitool(['chassis', 'power', 'status'])).stdout, /Chassis Power is on/);
    const sol = new PtyTool(`ipmitool -I lanplus -H 127.0.0.1 -p ${port} -U ${ADMIN.name} -E -C 17 sol activate`, { IPMI_PASSWORD: ADMIN.password });
    try {
      await sol.waitFor('SOL Session operational', 15_000);
      // Boot output from before activation comes from the BMC's history buffer.
      await sol.waitFor(labReadyMarker, 15_000);
      const token = `ipmitool-${randomInt(1e9)}`;
      const from = sol.output.length;
      sol.write(`\recho ${token}-$((6*7))\r`);
      await sol.waitFor(`${token}-42`, 20_000, from);
      sol.write('~.');
      assert.equal(await sol.exited, 0);
    } finally {
      sol.kill();
    }
  });

  test('ipmiconsole: typed command echoed', async (t) => {
    let b623: VirtualBmc | undefined;
    let addr = '';
    for (let i = 0; i < 5 && !b623; i++) {
      addr = `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
      const b = new VirtualBmc({ machine, users: [ADMIN], host: addr, ipmiPort: 623 });
      try {
        await b.start();
        b623 = b;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EACCES') return t.skip('binding UDP 623 needs root or CAP_NET_BIND_SERVICE');
      }
    }
    assert.ok(b623, 'no free 127/8 address for port 623');
    const con = new PtyTool(`ipmiconsole --config-file=${cfg.file} -h ${addr}`, {});
    try {
      await con.waitFor('[SOL established]', 15_000);
      const token = `ipmiconsole-${randomInt(1e9)}`;
      const from = con.output.length;
      con.write(`echo ${token}-$((6*7))\r`);
      await con.waitFor(`${token}-42`, 20_000, from);
      con.write('&.');
      assert.equal(await con.exited, 0);
    } finally {
      con.kill();
      await b623.stop();
    }
  });

  test('soft shutdown is ACPI: the guest powers itself off', async () => {
    const off = nextPower('off');
    const r = await ipmitool(['chassis', 'power', 'soft']);
    assert.equal(r.code, 0, r.stderr);
    await off;
    assert.equal((await ipmitool(['chassis', 'power', 'status'])).stdout.trim(), 'Chassis Power is off');
  });

  test('bootdev once: the next power-on uses it, the one after does not; reset honours a new override', async () => {
    assert.equal((await ipmitool(['chassis', 'bootdev', 'cdrom'])).code, 0);
    assert.equal((await ipmitool(['chassis', 'power', 'on'])).code, 0);
    await powerIs('on');
    assert.equal(vm.bootDevice, 'cdrom');
    assert.equal(machine.getBootOverride().device, 'none');
    assert.equal((await ipmitool(['chassis', 'bootdev', 'pxe'])).code, 0);
    const restarted = nextPower('on');
    assert.equal((await ipmitool(['chassis', 'power', 'reset'])).code, 0);
    await restarted;
    assert.equal(vm.bootDevice, 'pxe');
    const cycled = nextPower('on');
    assert.equal((await ipmitool(['chassis', 'power', 'cycle'])).code, 0);
    await cycled;
    assert.equal(vm.bootDevice, 'kernel');
    assert.equal((await ipmitool(['chassis', 'power', 'off'])).code, 0);
    await powerIs('off');
  });
});
