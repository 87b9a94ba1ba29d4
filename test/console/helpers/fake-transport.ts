import { EventEmitter } from 'node:events';
import type { ConsoleTransport, ConsoleTransportEvents, TransportState } from '../../../bmc-adapters/console-transport.ts';

/** In-memory ConsoleTransport: the test plays the target with emit()/cut()/restore(). */
export class FakeTransport extends EventEmitter<ConsoleTransportEvents> implements ConsoleTransport {
  readonly description = 'fake in-memory';
  state: TransportState = 'idle';
  readonly written: Buffer[] = [];
  breaks = 0;

  open(): Promise<void> {
    this.setState('open');
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.setState('closed');
    return Promise.resolve();
  }

  write(data: Uint8Array): boolean {
    if (this.state !== 'open') return false;
    this.written.push(Buffer.from(data));
    return true;
  }

  sendBreak(): void {
    this.breaks++;
  }

  /** Bytes from the target. */
  emitData(bytes: Uint8Array | string): void {
    this.emit('data', Buffer.from(bytes));
  }

  cut(reason = 'peer closed'): void {
    this.setState('reconnecting', reason);
  }

  restore(): void {
    this.setState('open');
  }

  private setState(state: TransportState, reason?: string): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', reason ? { state, reason } : { state });
  }
}
