import { EventEmitter } from 'node:events';
import type { BootOverride, LabMachine, LabMachineEvents, PowerState } from './machine.ts';
import { NO_BOOT_OVERRIDE } from './machine.ts';

/**
 * A machine that is only a power state, for BMC-only mode (hundreds of
 * virtual BMCs in one process). Transitions are immediate; there is no
 * serial console, so writes are refused.
 */
export class SimulatedMachine extends EventEmitter<LabMachineEvents> implements LabMachine {
  private state: PowerState;
  private override: BootOverride = { ...NO_BOOT_OVERRIDE };
  private inserted: string | null = null;
  /** Boot device actually used by the last power-on or reset, for tests. */
  lastBootDevice: BootOverride['device'] = 'none';

  constructor(
    readonly name: string,
    initial: PowerState = 'off',
  ) {
    super();
    this.state = initial;
  }

  get power(): PowerState {
    return this.state;
  }

  get media(): string | null {
    return this.inserted;
  }

  private set(state: PowerState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('power', state);
  }

  private consumeOverride(): void {
    this.lastBootDevice = this.override.device;
    if (!this.override.persistent && this.override.device !== 'none') {
      this.override = { ...NO_BOOT_OVERRIDE };
      this.emit('bootOverride', this.getBootOverride());
    }
  }

  async powerOn(): Promise<void> {
    if (this.state === 'on') return;
    this.consumeOverride();
    this.set('on');
  }

  async powerOff(): Promise<void> {
    this.set('off');
  }

  async reset(): Promise<void> {
    if (this.state === 'off') return;
    this.consumeOverride();
  }

  async softOff(): Promise<void> {
    // A simulated OS obeys the power button at once.
    this.set('off');
  }

  async nmi(): Promise<void> {}

  setBootOverride(override: BootOverride): void {
    this.override = { ...override };
    this.emit('bootOverride', this.getBootOverride());
  }

  getBootOverride(): BootOverride {
    return { ...this.override };
  }

  async insertMedia(path: string): Promise<void> {
    this.inserted = path;
    this.emit('media', path);
  }

  async ejectMedia(): Promise<void> {
    this.inserted = null;
    this.emit('media', null);
  }

  writeSerial(_data: Uint8Array): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
