import type { Context, Hono } from 'hono';
import type { UpgradeWebSocket } from 'hono/ws';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { AppEnv } from '../context.ts';
import { FRAME_INPUT, type Identity } from '../wire.ts';
import type { ConsoleHub } from './console-hub.ts';
import { canWrite } from './can-write.ts';
import type { ConsoleSession } from './console-session.ts';
import type { ConsoleViewer } from './console-viewer.ts';
import { ConsoleError } from './errors.ts';
import { WsViewerSink } from './ws-viewer-sink.ts';

/**
 * GET /api/targets/:id/console?from=<offset>&mode=ro|rw — the browser's
 * console WebSocket, one client of ConsoleSession. Protocol: docs/console-protocol.md.
 */
const ANONYMOUS: Identity = { user: 'anonymous', role: 'viewer' };
/** Far above any paste a serial line can take; larger input frames are refused, not truncated. */
const MAX_INPUT_BYTES = 64 * 1024;

const ClientControlSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('lock'), action: z.enum(['request', 'release', 'takeover']) }),
  z.object({ t: z.literal('resize'), cols: z.number().int(), rows: z.number().int() }),
  z.object({ t: z.literal('break') }),
  z.object({ t: z.literal('ping'), id: z.number() }),
]);

interface ConsoleRequest {
  session: ConsoleSession;
  identity: Identity;
  readOnly: boolean;
  from: number | undefined;
  stream: string | undefined;
}

/**
 * The caller as the login middleware found it, with the role it holds on this
 * target (tag grants can raise it); without a login, an anonymous viewer.
 */
function callerIdentity(c: Context<AppEnv>, targetId: string): Identity {
  const identity = (c.get('identity') as Identity | undefined) ?? ANONYMOUS;
  const access = c.get('access') as AppEnv['Variables']['access'] | undefined;
  return access ? { user: identity.user, role: access.roleFor(targetId) } : identity;
}

function parseRequest(c: Context<AppEnv>, hub: ConsoleHub): ConsoleRequest | { status: 400 | 403 | 404; error: ConsoleError } {
  const id = c.req.param('id') ?? '';
  const session = hub.get(id);
  if (!session) return { status: 404, error: new ConsoleError('E_NO_TARGET', `no console target ${id}`) };
  const identity = callerIdentity(c, id);
  const mode = c.req.query('mode');
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    return { status: 400, error: new ConsoleError('E_BAD_REQUEST', `mode=${mode}: expected ro or rw`) };
  }
  if (mode === 'rw' && !canWrite(identity)) {
    return { status: 403, error: new ConsoleError('E_FORBIDDEN', `${identity.user} (${identity.role}) may only watch; mode=rw needs operator`) };
  }
  const fromText = c.req.query('from');
  let from: number | undefined;
  if (fromText !== undefined && fromText !== '') {
    if (!/^\d{1,16}$/.test(fromText)) return { status: 400, error: new ConsoleError('E_BAD_REQUEST', `from=${fromText}: expected a byte offset`) };
    from = Number(fromText);
  }
  const stream = c.req.query('stream') || undefined;
  if (stream !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(stream)) {
    return { status: 400, error: new ConsoleError('E_BAD_REQUEST', `stream=${stream.slice(0, 40)}: expected the id from hello.stream`) };
  }
  const readOnly = mode === 'ro' || (mode === undefined && !canWrite(identity));
  return { session, identity, readOnly, from, stream };
}

function errorControl(e: unknown): { t: 'error'; code: string; message: string } {
  if (e instanceof ConsoleError) return { t: 'error', code: e.code, message: e.message };
  return { t: 'error', code: 'E_INTERNAL', message: (e as Error).message };
}

function handleText(viewer: ConsoleViewer, text: string, sink: WsViewerSink): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConsoleError('E_BAD_REQUEST', 'control message is not JSON');
  }
  const r = ClientControlSchema.safeParse(parsed);
  if (!r.success) throw new ConsoleError('E_BAD_REQUEST', `control message refused: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const msg = r.data;
  switch (msg.t) {
    case 'lock':
      if (msg.action === 'request') viewer.requestLock();
      else if (msg.action === 'release') viewer.releaseLock();
      else viewer.takeover();
      return;
    case 'resize':
      viewer.resize(msg.cols, msg.rows);
      return;
    case 'break':
      viewer.sendBreak();
      return;
    case 'ping':
      sink.control({ t: 'pong', id: msg.id });
      return;
  }
}

function handleBinary(viewer: ConsoleViewer, data: ArrayBuffer): void {
  const bytes = new Uint8Array(data);
  if (bytes[0] !== FRAME_INPUT) {
    throw new ConsoleError('E_BAD_REQUEST', `binary frame type 0x${(bytes[0] ?? 0).toString(16)} at offset 0: only input frames (0x11) go to the server`);
  }
  if (bytes.length - 1 > MAX_INPUT_BYTES) {
    throw new ConsoleError('E_BAD_REQUEST', `input frame of ${bytes.length - 1} bytes refused: at most ${MAX_INPUT_BYTES} per frame`);
  }
  viewer.write(bytes.subarray(1));
}

export function registerConsoleRoutes(app: Hono<AppEnv>, upgradeWebSocket: UpgradeWebSocket<WebSocket>, hub: ConsoleHub): void {
  app.get(
    '/api/targets/:id/console',
    async (c, next) => {
      const r = parseRequest(c, hub);
      if ('error' in r) return c.json({ error: { code: r.error.code, message: r.error.message } }, r.status);
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return c.json({ error: { code: 'E_BAD_REQUEST', message: 'this endpoint speaks WebSocket only' } }, 426);
      }
      await next();
    },
    upgradeWebSocket((c) => {
      const req = parseRequest(c as Context<AppEnv>, hub);
      let viewer: ConsoleViewer | null = null;
      let sink: WsViewerSink | null = null;
      return {
        onOpen(_evt, ws) {
          if ('error' in req || !ws.raw) {
            ws.close(1011, 'console request no longer valid');
            return;
          }
          const s = new WsViewerSink(ws.raw, req.session.highWaterBytes);
          sink = s;
          s.onDrained = () => viewer?.drained();
          try {
            viewer = req.session.attach({ identity: req.identity, readOnly: req.readOnly, from: req.from, stream: req.stream, sink: s });
          } catch (e) {
            s.control(errorControl(e));
            ws.close(1008, 'console attach refused');
          }
        },
        onMessage(evt, _ws) {
          if (!viewer || !sink) return;
          try {
            if (typeof evt.data === 'string') handleText(viewer, evt.data, sink);
            else if (evt.data instanceof ArrayBuffer) handleBinary(viewer, evt.data);
            else throw new ConsoleError('E_BAD_REQUEST', 'unsupported message type');
          } catch (e) {
            sink.control(errorControl(e));
          }
        },
        onClose() {
          viewer?.detach();
          viewer = null;
        },
      };
    }),
  );
}
