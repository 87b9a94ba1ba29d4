import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BmcUser } from '../../lab/bmc/ipmi/users.ts';
import { SimulatedMachine } from '../../lab/bmc/simulated-machine.ts';
import { VirtualBmc } from '../../lab/bmc/virtual-bmc.ts';
import { killAll, runTool } from '../lab-bmc/helpers/tools.ts';

/** The lab BMC's SOL configuration parameters (shared codec) as ipmitool reads and writes them. */
const ADMIN: BmcUser = { name: 'admin', password: 'lab-solcfg-pw', privilege: 4 };

describe('lab BMC SOL configuration vs ipmitool', () => {
  const bmc = new VirtualBmc({ machine: new SimulatedMachine('solcfg-sim', 'on'), users: [ADMIN] });
  let port = 0;
  before(async () => {
    port = (await bmc.start()).ipmi;
  });
  after(async () => {
    killAll();
    await bmc.stop();
  });
  const ipmitool = (args: string[]) =>
    runTool('ipmitool', ['-I', 'lanplus', '-H', '127.0.0.1', '-p', String(port), '-U', ADMIN.name, '-E', '-C', '17', '-N', '1', '-R', '2', ...args], { env: { IPMI_PASSWORD: ADMIN.password } });

  test('sol info shows every parameter; sol set changes a writable one', async () => {
    let r = await ipmitool(['sol', 'info', '1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Enabled\s+: true/);
    assert.match(r.stdout, /Force Encryption\s+: false/);
    assert.match(r.stdout, /Privilege Level\s+: USER/);
    assert.match(r.stdout, /Character Send Threshold\s+: 96/);
    assert.match(r.stdout, /Non-Volatile Bit Rate \(kbps\)\s+: 115\.2/);
    assert.match(r.stdout, /Payload Channel\s+: 1/);
    assert.match(r.stdout, new RegExp(`Payload Port\\s+: ${port}\\b`));
    r = await ipmitool(['sol', 'set', 'retry-count', '5', '1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await ipmitool(['sol', 'set', 'volatile-bit-rate', '57.6', '1']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    r = await ipmitool(['sol', 'info', '1']);
    assert.match(r.stdout, /Retry Count\s+: 5/);
    assert.match(r.stdout, /Volatile Bit Rate \(kbps\)\s+: 57\.6/);
  });
});
