import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Accel } from './vm/accel-probe.ts';
import { LabError } from './vm/lab-errors.ts';
import { repoRoot } from './vm/lab-paths.ts';
import { LabVm, type BootDevice, type LabVmSpec, type VmPower } from './vm/lab-vm.ts';
import { freeTcpPort } from './vm/ports.ts';
import { sweepStaleQemus } from './vm/stale-qemu.ts';

export interface LabMachineInfo {
  id: string;
  power: VmPower;
  serialPort: number;
  pid: number | undefined;
  accel: Accel | undefined;
}

export interface LabManagerOptions {
  /** One sub-directory per machine (pidfile, QMP socket, OVMF vars). Default var/lab/machines. */
  stateDir?: string;
  /** Force an accelerator; default: RESCUEBOX_ACCEL, else the cached KVM probe verdict. */
  accel?: Accel;
  /** How long stop() waits for QMP quit before SIGKILL (LabVm default 3 s). */
  stopDeadlineMs?: number;
}

/**
 * Owns the lab machines of one process. Orphans are prevented three ways:
 * QEMU runs under `setpriv --pdeathsig KILL` (dies with us even on SIGKILL),
 * every live QEMU is SIGKILLed on process exit/SIGINT/SIGTERM, and the
 * constructor sweeps pidfiles left by a previous manager that could not clean up.
 */
export class LabManager extends EventEmitter<{ power: [id: string, power: VmPower] }> {
  readonly stateDir: string;
  /** PIDs killed by the sweep at construction. */
  readonly sweptPids: number[];
  private readonly accel: Accel | undefined;
  private readonly stopDeadlineMs: number | undefined;
  private readonly vms = new Map<string, LabVm>();

  constructor(opts: LabManagerOptions = {}) {
    super();
    this.stateDir = resolve(opts.stateDir ?? join(repoRoot, 'var/lab/machines'));
    this.accel = opts.accel;
    this.stopDeadlineMs = opts.stopDeadlineMs;
    mkdirSync(this.stateDir, { recursive: true });
    this.sweptPids = sweepStaleQemus(this.stateDir);
    liveManagers.add(this);
    installProcessHooks();
  }

  /** Registers a machine with its own serial port; does not power it on. */
  async createMachine(id: string, spec: Omit<LabVmSpec, 'id'> = {}): Promise<LabVm> {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new LabError('E_BAD_ID', `lab machine id "${id}": lowercase letters, digits and dashes`);
    if (this.vms.has(id)) throw new LabError('E_EXISTS', `lab machine ${id} already exists`);
    const serialPort = await freeTcpPort();
    const vm = new LabVm({ ...spec, id }, { stateDir: join(this.stateDir, id), serialPort, accel: this.accel, stopDeadlineMs: this.stopDeadlineMs });
    vm.on('power', (p) => this.emit('power', id, p));
    this.vms.set(id, vm);
    return vm;
  }

  get(id: string): LabVm | undefined {
    return this.vms.get(id);
  }

  require(id: string): LabVm {
    const vm = this.vms.get(id);
    if (!vm) throw new LabError('E_NO_MACHINE', `no lab machine ${id}`);
    return vm;
  }

  list(): LabMachineInfo[] {
    return [...this.vms.values()].map((vm) => ({ id: vm.id, power: vm.power, serialPort: vm.serialPort, pid: vm.pid, accel: vm.accel }));
  }

  start(id: string, boot?: { device: BootDevice }): Promise<void> {
    return this.require(id).start(boot);
  }

  stop(id: string): Promise<void> {
    return this.require(id).stop();
  }

  /** Powers every machine off and forgets them; process hooks no longer cover this manager. */
  async dispose(): Promise<void> {
    await Promise.all([...this.vms.values()].map((vm) => vm.stop()));
    this.vms.clear();
    liveManagers.delete(this);
  }

  /** Synchronous last resort for process exit: SIGKILL every QEMU we started. */
  killAllSync(): void {
    for (const vm of this.vms.values()) {
      const pid = vm.pid;
      if (pid === undefined) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

const liveManagers = new Set<LabManager>();
let hooksInstalled = false;

function installProcessHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => liveManagers.forEach((m) => m.killAllSync());
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // Our listener replaced Node's default (exit); if nobody else handles the signal, die as the default would.
      if (process.listenerCount(sig) === 1) {
        process.off(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}
