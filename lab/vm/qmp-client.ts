import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { LabError } from './lab-errors.ts';

/** An asynchronous QMP event (SHUTDOWN, RESET, POWERDOWN, DEVICE_TRAY_MOVED...). */
export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  command: string;
}

/**
 * QMP (QEMU Machine Protocol) over an already connected stream socket:
 * newline-delimited JSON, greeting first, then `qmp_capabilities`, then
 * commands matched to answers by `id`. The socket is handed in (LabVm makes
 * QEMU connect to a unix socket we listen on), so this class does no dialling.
 */
export class QmpClient extends EventEmitter<{ event: [QmpEvent]; close: [] }> {
  private buf = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  private greeted: Promise<void>;

  constructor(private readonly sock: Socket) {
    super();
    let onGreeting!: () => void;
    let onFail!: (e: Error) => void;
    this.greeted = new Promise<void>((res, rej) => {
      onGreeting = res;
      onFail = rej;
    });
    let greeted = false;
    sock.setEncoding('utf8');
    sock.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (!line) continue;
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // QMP only sends JSON; a torn line is not ours to guess at
        }
        if (!greeted && 'QMP' in msg) {
          greeted = true;
          onGreeting();
        } else this.dispatch(msg);
      }
    });
    const fail = () => {
      if (this.closed) return;
      this.closed = true;
      const err = new LabError('E_QMP_CLOSED', 'QMP connection closed');
      onFail(err);
      for (const p of this.pending.values()) p.reject(new LabError('E_QMP_CLOSED', `QMP ${p.command}: connection closed before the answer`));
      this.pending.clear();
      this.emit('close');
    };
    sock.on('close', fail);
    sock.on('error', fail);
    this.greeted.catch(() => undefined);
  }

  /** Waits for the greeting and leaves capabilities negotiation mode. */
  async handshake(): Promise<void> {
    await this.greeted;
    await this.execute('qmp_capabilities');
  }

  execute(command: string, args?: object): Promise<unknown> {
    if (this.closed) return Promise.reject(new LabError('E_QMP_CLOSED', `QMP ${command}: connection closed`));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, command });
      this.sock.write(JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id }) + '\n');
    });
  }

  close(): void {
    this.sock.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private dispatch(msg: Record<string, unknown>): void {
    if (typeof msg.event === 'string') {
      this.emit('event', msg as unknown as QmpEvent);
      return;
    }
    const id = typeof msg.id === 'string' ? msg.id : undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    this.pending.delete(id);
    if ('error' in msg) {
      const e = msg.error as { class?: string; desc?: string };
      p.reject(new LabError('E_QMP_COMMAND', `QMP ${p.command}: ${e.class ?? 'Error'}: ${e.desc ?? 'failed'}`));
    } else p.resolve(msg.return);
  }
}
