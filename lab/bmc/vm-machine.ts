import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { LabVm } from '../vm/lab-vm.ts';
import type { BootDevice, BootOverride, LabMachine, LabMachineEvents, PowerState } from './machine.ts';
import { NO_BOOT_OVERRIDE } from './machine.ts';

type VmBoot = 'kernel' | 'disk' | 'cdrom' | 'pxe';

export interface VmMachineOptions {
  /** What the machine boots without an override (and for 'bios', which the lab firmware has no setup screen for). */
  defaultBoot?: VmBoot;
  /** Retry delay while the serial port is not yet accepting after power-on. */
  serialRetryMs?: number;
}

/**
 * A lab QEMU machine as its BMC sees it. The boot override is ours, not
 * LabVm's: it is applied when this class powers the machine on or resets it,
 * and a one-time override is cleared as soon as it has been used. The serial
 * console is attached whenever the machine is on, so boot output reaches the
 * BMC's history even when no SOL session is open.
 */
export class VmMachine extends EventEmitter<LabMachineEvents> implements LabMachine {
  private override: BootOverride = { ...NO_BOOT_OVERRIDE };
  private sock: Socket | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly defaultBoot: VmBoot;
  private readonly retryMs: number;
  private readonly onPower = (p: PowerState): void => {
    if (p === 'on') this.attachSerial();
    else this.detachSerial();
    this.emit('power', p);
  };

  constructor(
    readonly vm: LabVm,
    opts: VmMachineOptions = {},
  ) {
    super();
    this.defaultBoot = opts.defaultBoot ?? 'kernel';
    this.retryMs = opts.serialRetryMs ?? 50;
    vm.on('power', this.onPower);
    if (vm.power === 'on') this.attachSerial();
  }

  get name(): string {
    return this.vm.id;
  }

  get power(): PowerState {
    return this.vm.power;
  }

  get media(): string | null {
    return this.vm.cdrom;
  }

  /** The device the next boot uses; consumes a one-time override. */
  private takeBootDevice(): VmBoot {
    const o = this.override;
    if (o.device !== 'none' && !o.persistent) {
      this.override = { ...NO_BOOT_OVERRIDE };
      this.emit('bootOverride', this.getBootOverride());
    }
    return mapDevice(o.device, this.defaultBoot);
  }

  async powerOn(): Promise<void> {
    if (this.vm.power === 'on') return;
    await this.vm.start({ device: this.takeBootDevice() });
  }

  async powerOff(): Promise<void> {
    await this.vm.stop();
  }

  async reset(): Promise<void> {
    if (this.vm.power === 'off') return;
    if (this.override.device === 'none') {
      await this.vm.qmp('system_reset');
      return;
    }
    // A different boot device needs a new QEMU command line.
    const device = this.takeBootDevice();
    await this.vm.stop();
    await this.vm.start({ device });
  }

  async softOff(): Promise<void> {
    if (this.vm.power === 'off') return;
    await this.vm.powerdown();
  }

  async nmi(): Promise<void> {
    if (this.vm.power === 'off') return;
    await this.vm.qmp('inject-nmi');
  }

  setBootOverride(override: BootOverride): void {
    this.override = { ...override };
    this.emit('bootOverride', this.getBootOverride());
  }

  getBootOverride(): BootOverride {
    return { ...this.override };
  }

  async insertMedia(path: string): Promise<void> {
    await this.vm.insertCdrom(path);
    this.emit('media', path);
  }

  async ejectMedia(): Promise<void> {
    await this.vm.ejectCdrom();
    this.emit('media', null);
  }

  writeSerial(data: Uint8Array): boolean {
    if (!this.sock || this.sock.connecting || this.sock.destroyed) return false;
    this.sock.write(data);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.vm.off('power', this.onPower);
    this.detachSerial();
  }

  private attachSerial(): void {
    if (this.closed || this.sock || this.connectTimer) return;
    const s = connect({ host: '127.0.0.1', port: this.vm.serialPort });
    s.setNoDelay(true);
    this.sock = s;
    s.on('data', (chunk: Buffer) => this.emit('serial', chunk));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (this.sock !== s) return;
      this.sock = null;
      // QEMU may not listen yet right after spawn, or was restarted: dial again while it is on.
      if (!this.closed && this.vm.power === 'on') {
        this.connectTimer = setTimeout(() => {
          this.connectTimer = null;
          this.attachSerial();
        }, this.retryMs);
      }
    });
  }

  private detachSerial(): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.connectTimer = null;
    const s = this.sock;
    this.sock = null;
    s?.destroy();
  }
}

function mapDevice(d: BootDevice, fallback: VmBoot): VmBoot {
  switch (d) {
    case 'pxe':
    case 'disk':
    case 'cdrom':
      return d;
    default:
      return fallback;
  }
}
