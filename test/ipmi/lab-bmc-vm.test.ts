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
  let consoleText = '';
  const cfg = freeipmiConfig(ADMIN.name, ADMIN.password, 17);

  before(async () => {
    vm = new LabVm({ id: 'labbmc' }, { stateDir, serialPort: await freeTcpPort() });
    machine = new VmMachine(vm);
    machine.on('serial', (c) => (consoleText += c.toString('latin1')));
    bmc = new VirtualBmc({ machine, users: [ADMIN] });
    port = (await bmc.start()).ipmi;
  });

  after(async () => {
    killAll();
    await bmc?.stop();
    await machine?.close();
    await vm?.stop();
    cfg.cleanup();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const ipmitool = (args: string[]) =>
    runTool('ipmitool', ['-I', 'lanplus', '-H', '127.0.0.1', '-p', String(port), '-U', ADMIN.name, '-E', '-C', '17', ...args], { env: { IPMI_PASSWORD: ADMIN.password }, timeoutMs: 30_000 });

  /** Resolves when the machine's console shows `text` (from the BMC's own serial feed). */
  const consoleShows = (text: string, timeoutMs: number, from = 0): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (consoleText.indexOf(text, from) >= 0) {
          clearTimeout(timer);
          machine.off('serial', check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        machine.off('serial', check);
        reject(new Error(`console did not show ${JSON.stringify(text)} within ${timeoutMs} ms; tail: ${JSON.stringify(consoleText.slice(-500))}`));
      }, timeoutMs);
      machine.on('serial', check);
      check();
    });

  test('power on through ipmitool boots the machine; its console is captured before any SOL session', async () => {
    const r = await ipmitool(['chassis', 'power', 'on']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(vm.power, 'on');
    await consoleShows(labReadyMarker, BOOT_DEADLINE_MS);
    const st = await ipmitool(['chassis', 'power', 'status']);
    assert.match(st.stdout, /Chassis Power is on/);
  });

  test('ipmitool sol activate: boot history, then a typed command is echoed by the shell', async () => {
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
    const off = new Promise<void>((res) => vm.once('power', (p) => p === 'off' && res()));
    const r = await ipmitool(['chassis', 'power', 'soft']);
    assert.equal(r.code, 0, r.stderr);
    await off;
    assert.equal((await ipmitool(['chassis', 'power', 'status'])).stdout.trim(), 'Chassis Power is off');
  });

  test('bootdev once: the next power-on uses it, the one after does not; reset honours a new override', async () => {
    assert.equal((await ipmitool(['chassis', 'bootdev', 'cdrom'])).code, 0);
    assert.equal((await ipmitool(['chassis', 'power', 'on'])).code, 0);
    assert.equal(vm.bootDevice, 'cdrom');
    assert.equal(machine.getBootOverride().device, 'none');
    assert.equal((await ipmitool(['chassis', 'bootdev', 'pxe'])).code, 0);
    assert.equal((await ipmitool(['chassis', 'power', 'reset'])).code, 0);
    assert.equal(vm.bootDevice, 'pxe');
    assert.equal((await ipmitool(['chassis', 'power', 'cycle'])).code, 0);
    assert.equal(vm.power, 'on');
    assert.equal(vm.bootDevice, 'kernel');
    assert.equal((await ipmitool(['chassis', 'power', 'off'])).code, 0);
    assert.equal(vm.power, 'off');
  });
});
