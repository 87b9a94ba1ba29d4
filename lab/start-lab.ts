import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LabManager } from './lab-manager.ts';
import { VmMachine } from './bmc/vm-machine.ts';
import { VirtualBmc } from './bmc/virtual-bmc.ts';
import { startRedfishBmc, type RedfishBmc } from './bmc/redfish/redfish-bmc.ts';

/**
 * npm start's default: lab machines (QEMU) each behind a virtual BMC that
 * speaks IPMI (console over SOL, power, boot) and Redfish (virtual media),
 * described as targets the appliance registers like any real server.
 */
export interface LabTargetDefinition {
  id: string;
  name: string;
  tags: string[];
  bmc: { protocol: 'ipmi'; address: string; port: number; user: string; password: string };
  console: { transport: 'ipmi-sol' };
  settings: { redfish: { url: string; user: string; fingerprint256: string } };
}

export interface RunningLab {
  targets: LabTargetDefinition[];
  close(): Promise<void>;
}

export async function startLab(opts: { stateDir: string; machines: number; powerOn?: boolean }): Promise<RunningLab> {
  const lab = new LabManager({ stateDir: opts.stateDir });
  const bmcs: VirtualBmc[] = [];
  const redfish: RedfishBmc[] = [];
  const machines: VmMachine[] = [];
  const targets: LabTargetDefinition[] = [];
  const close = async () => {
    for (const r of redfish) await r.close().catch(() => undefined);
    for (const b of bmcs) await b.stop().catch(() => undefined);
    for (const m of machines) await m.close().catch(() => undefined);
    await lab.dispose();
  };
  try {
    for (let i = 1; i <= opts.machines; i++) {
      const id = `lab-${i}`;
      const vm = await lab.createMachine(id, { firmware: 'bios' });
      const machine = new VmMachine(vm);
      machines.push(machine);
      // A fresh BMC password each start: it only ever lives in this process and the encrypted store.
      const password = randomBytes(10).toString('hex');
      const bmc = new VirtualBmc({ machine, users: [{ name: 'admin', password, privilege: 4 }] });
      bmcs.push(bmc);
      const ports = await bmc.start();
      const rf = await startRedfishBmc({ machine, users: { admin: password }, stateDir: join(opts.stateDir, id, 'redfish') });
      redfish.push(rf);
      if (opts.powerOn !== false) await machine.powerOn();
      targets.push({
        id,
        name: id,
        tags: ['lab'],
        bmc: { protocol: 'ipmi', address: ports.host, port: ports.ipmi, user: 'admin', password },
        console: { transport: 'ipmi-sol' },
        settings: { redfish: { url: rf.url, user: 'admin', fingerprint256: rf.fingerprint256 } },
      });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { targets, close };
}
