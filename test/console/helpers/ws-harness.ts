import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono } from 'hono';
import { WebSocket } from 'ws';
import type { AppEnv } from '../../../server/context.ts';
import type { ConsoleHub } from '../../../server/console/console-hub.ts';
import { registerConsoleRoutes } from '../../../server/console/ws-route.ts';
import { FRAME_OUTPUT, FRAME_SNAPSHOT, decodeOffsetFrame, encodeInputFrame, type ClientControl, type Role, type ServerControl } from '../../../server/wire.ts';

/**
 * The console route on a real HTTP server (port 0). Identity comes from test
 * headers, standing in for the login middleware.
 */
export async function serveConsoles(hub: ConsoleHub): Promise<{ base: string; close(): Promise<void> }> {
  const app = new Hono<AppEnv>();
  const { injectWebSocket, upgradeWebSocket } = createNodeWebSocket({ app });
  app.use('*', async (c, next) => {
    const user = c.req.header('x-test-user');
    if (user) c.set('identity', { user, role: (c.req.header('x-test-role') ?? 'viewer') as Role });
    await next();
  });
  registerConsoleRoutes(app, upgradeWebSocket, hub);
  const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  injectWebSocket(server);
  if (!server.listening) await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    base: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedFrame {
  kind: 'output' | 'snapshot';
  offset: number;
  payload: Buffer;
}

/** A console WebSocket client that records everything and lets tests wait for conditions. */
export class TestViewer {
  readonly ws: WebSocket;
  readonly frames: ReceivedFrame[] = [];
  readonly controls: ServerControl[] = [];
  outputBytes = 0;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        const f = decodeOffsetFrame(data);
        const kind = f.type === FRAME_OUTPUT ? 'output' : f.type === FRAME_SNAPSHOT ? 'snapshot' : 'output';
        this.frames.push({ kind, offset: f.offset, payload: Buffer.from(f.payload.buffer, f.payload.byteOffset, f.payload.byteLength) });
        if (kind === 'output') this.outputBytes += f.payload.length;
      } else {
        this.controls.push(JSON.parse(data.toString('utf8')) as ServerControl);
      }
      this.wake();
    });
    ws.on('close', () => this.wake());
  }

  static async connect(base: string, target: string, opts: { user?: string; role?: Role; from?: number; stream?: string; mode?: 'ro' | 'rw' } = {}): Promise<TestViewer> {
    const q = new URLSearchParams();
    if (opts.from !== undefined) q.set('from', String(opts.from));
    if (opts.stream !== undefined) q.set('stream', opts.stream);
    if (opts.mode) q.set('mode', opts.mode);
    const headers: Record<string, string> = {};
    if (opts.user) headers['x-test-user'] = opts.user;
    if (opts.role) headers['x-test-role'] = opts.role;
    const ws = new WebSocket(`${base}/api/targets/${target}/console?${q}`, { headers });
    const v = new TestViewer(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
    return v;
  }

  /** Output bytes since the last snapshot (or from the start), checking offsets are contiguous. */
  stream(): { start: number; bytes: Buffer; snapshots: number } {
    let start = -1;
    let next = -1;
    let parts: Buffer[] = [];
    let snapshots = 0;
    for (const f of this.frames) {
      if (f.kind === 'snapshot') {
        snapshots++;
        start = next = f.offset;
        parts = [];
        continue;
      }
      if (start < 0) start = next = f.offset;
      if (f.offset !== next) throw new Error(`output frame at ${f.offset}, expected ${next}`);
      parts.push(f.payload);
      next += f.payload.length;
    }
    return { start: Math.max(0, start), bytes: Buffer.concat(parts), snapshots };
  }

  /** Offset after the last byte received: where a resume starts. */
  nextOffset(): number {
    const s = this.stream();
    return s.start + s.bytes.length;
  }

  controlsOf<T extends ServerControl['t']>(t: T): Extract<ServerControl, { t: T }>[] {
    return this.controls.filter((c): c is Extract<ServerControl, { t: T }> => c.t === t);
  }

  send(msg: ClientControl): void {
    this.ws.send(JSON.stringify(msg));
  }

  type(text: string | Uint8Array): void {
    this.ws.send(encodeInputFrame(typeof text === 'string' ? Buffer.from(text) : text));
  }

  /** Resolves when `check` holds; re-checked on every message, bounded by a deadline. */
  waitFor(check: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, deadlineMs);
      const waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = once(this.ws, 'close').then(() => undefined);
    this.ws.close();
    return closed;
  }

  private wake(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve();
      }
    }
  }
}
