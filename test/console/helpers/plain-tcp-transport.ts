import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Backoff } from '../../../bmc-adapters/backoff.ts';
import type { ConsoleTransport, ConsoleTransportEvents, TransportState } from '../../../bmc-adapters/console-transport.ts';

/**
 * Minimal raw-TCP ConsoleTransport for the hub's tests and bench (no telnet),
 * standing in until bmc-adapters/tcp/tcp-transport.ts lands.
 */
export class PlainTcpTransport extends EventEmitter<ConsoleTransportEvents> implements ConsoleTransport {
  readonly description: string;
  state: TransportState = 'idle';
  private socket: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff = new Backoff({ initialMs: 20, maxMs: 200 });
  private firstOpen: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly host: string, private readonly port: number) {
    super();
    this.description = `tcp ${host}:${port}`;
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstOpen = { resolve, reject };
      this.dial('connecting');
    });
  }

  close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.firstOpen?.reject(new Error('closed before open'));
    this.firstOpen = null;
    this.socket?.destroy();
    this.socket = null;
    this.set('closed');
    return Promise.resolve();
  }

  write(data: Uint8Array): boolean {
    if (this.state !== 'open' || !this.socket) return false;
    this.socket.write(data);
    return true;
  }

  sendBreak(): void {
    // Raw TCP has no break signal.
  }

  private dial(state: TransportState): void {
    this.set(state);
    const s = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = s;
    s.on('connect', () => {
      this.backoff.reset();
      this.set('open');
      this.firstOpen?.resolve();
      this.firstOpen = null;
    });
    s.on('data', (chunk: Buffer) => this.emit('data', chunk));
    s.on('error', () => undefined);
    s.on('close', () => {
      if (this.socket !== s || this.state === 'closed') return;
      this.socket = null;
      const retryInMs = this.backoff.next();
      this.state = 'reconnecting';
      this.emit('state', { state: 'reconnecting', reason: 'peer closed', retryInMs });
      this.timer = setTimeout(() => this.dial('reconnecting'), retryInMs);
    });
  }

  private set(state: TransportState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', { state });
  }
}
