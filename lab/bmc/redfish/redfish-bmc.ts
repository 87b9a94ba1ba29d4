import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { ensureCertificate } from '../../../server/tls/ensure-certificate.ts';
import type { LabMachine } from '../machine.ts';
import { downloadWithRanges } from './media-downloader.ts';
import {
  BOOT_TARGETS, CD, MANAGER, RESET_TYPES, ROOT, SYSTEM, cdSlot, collection, manager, redfishError, serviceRoot,
  sessionService, system, type BootTarget, type MediaSlotState, type ResetType,
} from './resources.ts';

/**
 * The Redfish half of a lab machine's virtual BMC: HTTPS on loopback with a
 * self-signed certificate, sessions or Basic auth, ETags with If-Match on
 * PATCH, power, one-time boot override and a virtual CD that is downloaded
 * with Range requests and then loaded into the machine's drive.
 */
export interface RedfishBmcOptions {
  machine: LabMachine;
  /** user -> password. */
  users: Record<string, string>;
  stateDir: string;
  host?: string;
  port?: number;
}

export interface RedfishBmc {
  readonly url: string;
  readonly port: number;
  readonly fingerprint256: string;
  /** PEM file of the self-signed certificate, for clients that verify against it. */
  readonly certPath: string;
  /** Every request as "METHOD path", for tests that check what a client did. */
  readonly requests: string[];
  close(): Promise<void>;
}

const etagOf = (body: unknown) => `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16)}"`;

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export async function startRedfishBmc(opts: RedfishBmcOptions): Promise<RedfishBmc> {
  const { machine } = opts;
  const tls = ensureCertificate({ dataDir: opts.stateDir });
  const sessions = new Map<string, { id: string; user: string }>();
  const media: MediaSlotState = { image: null, inserted: false, writeProtected: true };
  const requests: string[] = [];
  const uuid = randomUUID();
  let seq = 0;

  const app = new Hono();
  const json = (c: Context, body: object, status: 200 | 201 = 200) => {
    const tag = etagOf(body);
    c.header('ETag', tag);
    c.header('OData-Version', '4.0');
    return c.json({ ...body, '@odata.etag': tag }, status);
  };
  const fail = (c: Context, status: 400 | 401 | 404 | 409 | 412 | 502, code: string, msg: string) => c.json(redfishError(code, msg), status);

  app.use('*', async (c, next) => {
    requests.push(`${c.req.method} ${c.req.path}`);
    const open = c.req.path === '/redfish' || c.req.path === '/redfish/v1' || c.req.path === `${ROOT}/` ||
      (c.req.method === 'POST' && c.req.path.replace(/\/$/, '') === `${ROOT}/SessionService/Sessions`);
    if (open) return next();
    const token = c.req.header('x-auth-token');
    if (token && sessions.has(token)) return next();
    const basic = c.req.header('authorization');
    if (basic?.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
      const want = user !== undefined ? opts.users[user] : undefined;
      if (want !== undefined && safeEqual(rest.join(':'), want)) return next();
    }
    c.header('WWW-Authenticate', 'Basic realm="rescuebox-lab"');
    return fail(c, 401, 'NoValidSession', 'authentication required');
  });

  app.get('/redfish', (c) => c.json({ v1: `${ROOT}/` }));
  app.get('/redfish/v1', (c) => json(c, serviceRoot(uuid)));
  app.get(`${ROOT}/`, (c) => json(c, serviceRoot(uuid)));
  app.get(`${ROOT}/Systems`, (c) => json(c, collection(`${ROOT}/Systems`, 'ComputerSystem', [SYSTEM])));
  app.get(SYSTEM, (c) => json(c, system(machine)));
  app.get(`${ROOT}/Managers`, (c) => json(c, collection(`${ROOT}/Managers`, 'Manager', [MANAGER])));
  app.get(MANAGER, (c) => json(c, manager()));
  app.get(`${MANAGER}/VirtualMedia`, (c) => json(c, collection(`${MANAGER}/VirtualMedia`, 'VirtualMedia', [CD])));
  app.get(CD, (c) => json(c, cdSlot(media)));
  app.get(`${ROOT}/SessionService`, (c) => json(c, sessionService()));
  app.get(`${ROOT}/SessionService/Sessions`, (c) =>
    json(c, collection(`${ROOT}/SessionService/Sessions`, 'Session', [...sessions.values()].map((s) => `${ROOT}/SessionService/Sessions/${s.id}`))),
  );

  app.post(`${ROOT}/SessionService/Sessions`, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { UserName?: unknown; Password?: unknown };
    const want = typeof body.UserName === 'string' ? opts.users[body.UserName] : undefined;
    if (want === undefined || typeof body.Password !== 'string' || !safeEqual(body.Password, want)) {
      return fail(c, 401, 'NoValidSession', 'wrong user name or password');
    }
    const token = randomBytes(24).toString('hex');
    const id = String(++seq);
    sessions.set(token, { id, user: body.UserName as string });
    const path = `${ROOT}/SessionService/Sessions/${id}`;
    c.header('X-Auth-Token', token);
    c.header('Location', path);
    return json(c, { '@odata.id': path, '@odata.type': '#Session.v1_3_0.Session', Id: id, Name: 'Session', UserName: body.UserName }, 201);
  });
  app.delete(`${ROOT}/SessionService/Sessions/:id`, (c) => {
    for (const [token, s] of sessions) if (s.id === c.req.param('id')) sessions.delete(token);
    return c.body(null, 204);
  });

  app.patch(SYSTEM, async (c) => {
    const ifMatch = c.req.header('if-match');
    if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(system(machine))) return fail(c, 412, 'PreconditionFailed', 'ETag does not match the current resource');
    const body = (await c.req.json().catch(() => null)) as { Boot?: Record<string, unknown> } | null;
    const boot = body?.Boot;
    if (!boot || typeof boot !== 'object') return fail(c, 400, 'PropertyMissing', 'Boot is required');
    const cur = machine.getBootOverride();
    const target = (boot.BootSourceOverrideTarget ?? undefined) as BootTarget | undefined;
    if (target !== undefined && !(target in BOOT_TARGETS)) {
      return fail(c, 400, 'PropertyValueNotInList', `BootSourceOverrideTarget: ${String(target)} is not one of ${Object.keys(BOOT_TARGETS).join(', ')}`);
    }
    const enabled = boot.BootSourceOverrideEnabled as string | undefined;
    if (enabled !== undefined && !['Once', 'Continuous', 'Disabled'].includes(enabled)) {
      return fail(c, 400, 'PropertyValueNotInList', `BootSourceOverrideEnabled: ${enabled} is not Once, Continuous or Disabled`);
    }
    const mode = boot.BootSourceOverrideMode as string | undefined;
    const device = enabled === 'Disabled' ? 'none' : target !== undefined ? BOOT_TARGETS[target] : cur.device;
    machine.setBootOverride({
      device,
      persistent: enabled !== undefined ? enabled === 'Continuous' : cur.persistent,
      efi: mode !== undefined ? mode === 'UEFI' : cur.efi,
    });
    return c.body(null, 204);
  });

  app.post(`${SYSTEM}/Actions/ComputerSystem.Reset`, async (c) => {
    const body = (await c.req.json().catch(() => null)) as { ResetType?: unknown } | null;
    const type = body?.ResetType as ResetType | undefined;
    if (!type || !RESET_TYPES.includes(type)) return fail(c, 400, 'ActionParameterNotSupported', `ResetType: ${String(type)} is not one of ${RESET_TYPES.join(', ')}`);
    const on = machine.power === 'on';
    switch (type) {
      case 'On':
        if (on) return fail(c, 409, 'OperationNotAllowed', 'the system is already on');
        await machine.powerOn();
        break;
      case 'ForceOff':
        await machine.powerOff();
        break;
      case 'GracefulShutdown':
        await machine.softOff();
        break;
      case 'ForceRestart':
        if (!on) return fail(c, 409, 'OperationNotAllowed', 'the system is off');
        await machine.reset();
        break;
      case 'PowerCycle':
        if (on) await machine.reset();
        else await machine.powerOn();
        break;
      case 'Nmi':
        await machine.nmi();
        break;
      case 'PushPowerButton':
        if (on) await machine.softOff();
        else await machine.powerOn();
        break;
    }
    return c.body(null, 204);
  });

  app.post(`${CD}/Actions/VirtualMedia.InsertMedia`, async (c) => {
    const body = (await c.req.json().catch(() => null)) as { Image?: unknown; Inserted?: unknown; WriteProtected?: unknown } | null;
    if (!body || typeof body.Image !== 'string' || !/^https?:\/\//.test(body.Image)) return fail(c, 400, 'PropertyValueFormatError', 'Image must be an http(s) URL');
    if (media.inserted) return fail(c, 409, 'ResourceInUse', 'a medium is already inserted: eject it first');
    try {
      const { path } = await downloadWithRanges(body.Image, join(opts.stateDir, 'virtual-cd.iso'));
      await machine.insertMedia(path);
    } catch (e) {
      return fail(c, 502, 'GeneralError', `could not load ${body.Image}: ${(e as Error).message}`);
    }
    Object.assign(media, { image: body.Image, inserted: body.Inserted !== false, writeProtected: body.WriteProtected !== false });
    return c.body(null, 204);
  });
  app.post(`${CD}/Actions/VirtualMedia.EjectMedia`, async (c) => {
    if (machine.media) await machine.ejectMedia();
    Object.assign(media, { image: null, inserted: false });
    return c.body(null, 204);
  });

  app.notFound((c) => fail(c, 404, 'ResourceMissingAtURI', `no resource at ${c.req.path}`));

  const host = opts.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      { fetch: app.fetch, hostname: host, port: opts.port ?? 0, createServer, serverOptions: { key: tls.key, cert: tls.cert } },
      () => resolve(s),
    );
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${host}:${port}`,
    port,
    fingerprint256: tls.fingerprint256,
    certPath: tls.certPath,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
