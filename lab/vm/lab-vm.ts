import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseAccel, type Accel } from './accel-probe.ts';
import { LabError } from './lab-errors.ts';
import { ovmfVarsTemplate, qemuBinary } from './lab-paths.ts';
import { buildQemuArgs, CDROM_DEVICE_ID, type BootDevice, type LabVmSpec } from './qemu-args.ts';
import { QmpClient, type QmpEvent } from './qmp-client.ts';

export type { BootDevice, LabDisk, LabVmSpec } from './qemu-args.ts';
export type VmPower = 'off' | 'on';
export interface VmExit {
  code: number | null;
  signal: string | null;
}

export interface LabVmOptions {
  stateDir: string;
  serialPort: number;
  accel?: Accel;
  /** Serve the serial port as telnet (QEMU telnet=on: negotiation, IAC BRK = serial break). Default raw. */
  serialTelnet?: boolean;
  /** How long QEMU may take to dial QMP after spawn. */
  startDeadlineMs?: number;
  /** How long `stop()` waits for QMP quit before SIGKILL. */
  stopDeadlineMs?: number;
}

/** util-linux setpriv sets PR_SET_PDEATHSIG before exec'ing QEMU: QEMU dies with us, even on SIGKILL. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));

/** Unix socket paths are limited to 107 bytes; long state dirs fall back to a private temp dir. */
const MAX_SOCKET_PATH = 100;

interface Run {
  child: ChildProcess;
  qmp?: QmpClient;
  qmpServer: Server;
  qmpDir?: string;
  exited: Promise<VmExit>;
  boot: BootDevice;
  stderr: string;
}

/**
 * One QEMU lab machine. Power on = a QEMU process; power off = no process.
 * The serial port is a TCP server on 127.0.0.1 that keeps its number across
 * power cycles, so consoles simply reconnect.
 */
export class LabVm extends EventEmitter<{ power: [VmPower]; exit: [VmExit]; qmpEvent: [QmpEvent] }> {
  readonly serialPort: number;
  readonly stateDir: string;
  readonly pidfile: string;
  private readonly spec: LabVmSpec;
  private readonly opts: LabVmOptions;
  private run: Run | undefined;
  private starting: Promise<void> | undefined;
  private accelUsed: Accel | undefined;
  private nextBoot: { device: BootDevice; persistent: boolean } | undefined;

  constructor(spec: LabVmSpec, opts: LabVmOptions) {
    super();
    this.spec = { ...spec, disks: spec.disks ? [...spec.disks] : undefined };
    this.opts = opts;
    this.serialPort = opts.serialPort;
    this.stateDir = opts.stateDir;
    this.pidfile = join(opts.stateDir, 'qemu.pid');
  }

  get id(): string {
    return this.spec.id;
  }
  get power(): VmPower {
    return this.run ? 'on' : 'off';
  }
  get pid(): number | undefined {
    return this.run?.child.pid;
  }
  /** The accelerator of the current or last run (undefined before the first start). */
  get accel(): Accel | undefined {
    return this.accelUsed ?? this.opts.accel;
  }
  get cdrom(): string | null {
    return this.spec.cdrom ?? null;
  }
  /** Boot device of the running machine. */
  get bootDevice(): BootDevice | undefined {
    return this.run?.boot;
  }

  /**
   * Chooses the boot device of the next start (or of a reset, which then
   * restarts QEMU when the device differs): a BMC's "set boot device".
   */
  setBootDevice(device: BootDevice, persistent = false): void {
    this.nextBoot = { device, persistent };
  }

  /** Launches QEMU; resolves once QMP answers. A no-op when already on. */
  start(boot?: { device: BootDevice }): Promise<void> {
    if (this.starting) return this.starting;
    if (this.run) return Promise.resolve();
    this.starting = this.launch(boot?.device).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Hard power off: QMP quit, SIGKILL if QEMU has not gone within the deadline. */
  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    const run = this.run;
    if (!run) return;
    const deadline = this.opts.stopDeadlineMs ?? 3000;
    run.qmp?.execute('quit').catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((res) => {
      timer = setTimeout(() => {
        run.child.kill('SIGKILL');
        res();
      }, deadline);
    });
    await Promise.race([run.exited, killed]);
    clearTimeout(timer);
    await run.exited;
  }

  /** Hardware reset (QMP system_reset); restarts QEMU instead when a different boot device was chosen. */
  async reset(): Promise<void> {
    const run = this.requireRun('reset');
    if (this.nextBoot && this.nextBoot.device !== run.boot) {
      await this.stop();
      await this.start();
      return;
    }
    await this.qmp('system_reset');
  }

  /** ACPI power button: the guest decides whether and when to power off. */
  async powerdown(): Promise<void> {
    await this.qmp('system_powerdown');
  }

  /** Resolves when QEMU has exited (immediately when off). */
  async waitForPowerOff(): Promise<VmExit | undefined> {
    return this.run ? this.run.exited : undefined;
  }

  /** Virtual media: kept across power cycles; changed live through QMP when on. */
  async insertCdrom(path: string): Promise<void> {
    if (!existsSync(path)) throw new LabError('E_NO_MEDIA', `cdrom image not found: ${path}`);
    this.spec.cdrom = path;
    if (this.run) {
      await this.qmp('blockdev-change-medium', { id: CDROM_DEVICE_ID, filename: path, format: 'raw', 'read-only-mode': 'read-only' });
    }
  }

  async ejectCdrom(): Promise<void> {
    this.spec.cdrom = null;
    if (this.run) await this.qmp('eject', { id: CDROM_DEVICE_ID, force: true });
  }

  qmp(command: string, args?: object): Promise<unknown> {
    const qmp = this.requireRun(command).qmp;
    if (!qmp) throw new LabError('E_VM_STARTING', `${this.spec.id}: QMP ${command}: machine is still starting`);
    return qmp.execute(command, args);
  }

  private requireRun(what: string): Run {
    if (!this.run) throw new LabError('E_VM_OFF', `${this.spec.id}: ${what}: machine is powered off`);
    return this.run;
  }

  private qmpSocketPath(): { path: string; dir?: string } {
    const p = join(this.stateDir, 'qmp.sock');
    if (Buffer.byteLength(p) <= MAX_SOCKET_PATH) return { path: p };
    const dir = mkdtempSync(join(tmpdir(), 'rb-qmp-'));
    return { path: join(dir, 'qmp.sock'), dir };
  }

  private async launch(requested: BootDevice | undefined): Promise<void> {
    mkdirSync(this.stateDir, { recursive: true });
    const boot = requested ?? this.nextBoot?.device ?? this.spec.boot ?? 'kernel';
    if (this.nextBoot && !this.nextBoot.persistent) this.nextBoot = undefined;
    const accel = this.opts.accel ?? (await chooseAccel()).accel;
    this.accelUsed = accel;
    let ovmfVars: string | undefined;
    if (this.spec.firmware === 'uefi' && boot !== 'kernel') {
      ovmfVars = join(this.stateDir, 'OVMF_VARS_4M.fd');
      if (!existsSync(ovmfVars)) copyFileSync(ovmfVarsTemplate, ovmfVars);
    }
    const sock = this.qmpSocketPath();
    rmSync(sock.path, { force: true });
    const qmpServer = createServer();
    await new Promise<void>((res, rej) => {
      qmpServer.once('error', rej);
      qmpServer.listen(sock.path, () => res());
    });
    const args = buildQemuArgs(this.spec, { accel, serialPort: this.serialPort, boot, pidfile: this.pidfile, qmpSocket: sock.path, ovmfVars, serialTelnet: this.opts.serialTelnet });
    const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', qemuBinary, ...args]] : [qemuBinary, args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let resolveExit!: (e: VmExit) => void;
    const run: Run = { child, qmpServer, qmpDir: sock.dir, boot, stderr: '', exited: new Promise((r) => (resolveExit = r)) };
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (run.stderr = (run.stderr + s).slice(-4096)));
    child.on('error', (e) => (run.stderr += `\nspawn: ${e.message}`));
    child.on('close', (code, signal) => {
      const exit = { code, signal };
      run.qmp?.close();
      qmpServer.close();
      rmSync(sock.dir ?? sock.path, { recursive: true, force: true });
      rmSync(this.pidfile, { force: true });
      resolveExit(exit);
      if (this.run === run) {
        this.run = undefined;
        this.emit('exit', exit);
        this.emit('power', 'off');
      }
    });

    const deadline = this.opts.startDeadlineMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const conn = await Promise.race([
        new Promise<Socket>((res) => qmpServer.once('connection', res)),
        run.exited.then((e) => {
          const last = run.stderr.trim().split('\n').pop() ?? '';
          const code = /Address already in use/.test(run.stderr) ? 'E_PORT_IN_USE' : 'E_QEMU_START';
          throw new LabError(code, `${this.spec.id}: QEMU exited at start (${e.code ?? e.signal}): ${last}`);
        }),
        new Promise<never>((_, rej) => {
          timer = setTimeout(() => rej(new LabError('E_QEMU_START', `${this.spec.id}: QEMU did not open QMP within ${deadline} ms`)), deadline);
        }),
      ]);
      const qmp = new QmpClient(conn);
      qmp.on('event', (ev) => this.emit('qmpEvent', ev));
      run.qmp = qmp;
      await qmp.handshake();
    } catch (e) {
      child.kill('SIGKILL');
      await run.exited;
      throw e;
    } finally {
      clearTimeout(timer);
    }
    this.run = run;
    this.emit('power', 'on');
    if (child.exitCode !== null || child.signalCode !== null) {
      // QEMU died between handshake and here: the close handler saw no run yet.
      this.run = undefined;
      this.emit('power', 'off');
    }
  }
}
