import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MockRules } from './mockup-rules.ts';
import type { TestCert } from './tls-cert.ts';

type Json = Record<string, unknown>;

/** ../shared/redfish-mockups, relative to the repository root. */
export const MOCKUPS = fileURLToPath(new URL('../../../shared/redfish-mockups/', import.meta.url));

export interface SeenRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: unknown;
  status: number;
}

const USER = 'admin';
export const PASSWORD = 'mock-password';

function strip(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

function loadTree(dir: string): Map<string, Json> {
  const out = new Map<string, Json>();
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}/${name}`);
      else if (name === 'index.json') out.set(strip(rel), JSON.parse(readFileSync(p, 'utf8')) as Json);
    }
  };
  walk(join(dir, 'redfish'), '/redfish');
  return out;
}

function baseError(id: string, msg: string, related: string[] = []): Json {
  return { error: { code: id, message: msg, '@Message.ExtendedInfo': [{ MessageId: id, Message: msg, RelatedProperties: related.map((r) => `#/${r}`) }] } };
}

/**
 * An HTTPS Redfish service built from one captured tree, enforcing that
 * vendor's documented behaviour (mockup-rules.ts). GETs answer the tree;
 * PATCH and actions change the state so read-back shows the result; every
 * request is recorded for assertions.
 */
export class MockupServer {
  readonly state: Map<string, Json>;
  readonly seen: SeenRequest[] = [];
  private readonly tokens = new Map<string, string>();
  private server: Server;
  private etagGen = 0;
  port = 0;

  constructor(
    readonly tree: string,
    readonly rules: MockRules,
    cert: TestCert,
  ) {
    const dir = join(MOCKUPS, tree);
    this.state = loadTree(dir);
    this.fillGaps();
    for (const [p, props] of Object.entries(rules.overrides ?? {})) {
      const r = this.state.get(p);
      if (r) Object.assign(r, props);
    }
    this.server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return `https://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Forget every session token (what a BMC reboot or timeout does). */
  expireSessions(): void {
    this.tokens.clear();
  }

  /** Writes (no GET, no session handling), for assertions. */
  writes(): { method: string; path: string; body: unknown; status: number }[] {
    return this.seen
      .filter((r) => r.method !== 'GET' && !/SessionService\/Sessions|\/Sessions$/.test(r.path))
      .map(({ method, path, body, status }) => ({ method, path, body, status }));
  }

  /** Gaps in partial captures: a root when absent, collections for directories, referenced settings objects. */
  private fillGaps(): void {
    if (!this.state.has('/redfish/v1') && this.rules.synthRoot) {
      this.state.set('/redfish/v1', { '@odata.id': '/redfish/v1', Id: 'RootService', ...this.rules.synthRoot });
    }
    for (const p of [...this.state.keys()]) {
      const parent = p.slice(0, p.lastIndexOf('/'));
      if (parent.split('/').length > 3 && !this.state.has(parent) && /\/(Systems|Managers)$/.test(parent)) {
        const kids = [...this.state.keys()].filter((k) => k.startsWith(parent + '/') && !k.slice(parent.length + 1).includes('/'));
        this.state.set(parent, { '@odata.id': parent, Members: kids.map((k) => ({ '@odata.id': k })) });
      }
    }
    for (const [p, r] of this.state) {
      const so = ((r['@Redfish.Settings'] as Json | undefined)?.SettingsObject as Json | undefined)?.['@odata.id'];
      if (typeof so === 'string' && !this.state.has(strip(so)) && r.Boot) {
        this.state.set(strip(so), { '@odata.id': so, '@odata.etag': `"settings-${p.length}"`, Boot: structuredClone(r.Boot) });
      }
    }
  }

  private etagOf(r: Json): string {
    const t = r['@odata.etag'];
    if (typeof t === 'string' && t) return t;
    r['@odata.etag'] = `"mock-${++this.etagGen}"`;
    return r['@odata.etag'] as string;
  }

  private bump(r: Json): void {
    const old = this.etagOf(r);
    r['@odata.etag'] = `${old.startsWith('W/') ? 'W/' : ''}"mock-${++this.etagGen}"`;
  }

  private errorFile(file: string): Json {
    return JSON.parse(readFileSync(join(MOCKUPS, this.tree, file), 'utf8')) as Json;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const path = strip(new URL(req.url ?? '/', 'https://x').pathname);
    const rec: SeenRequest = { method: req.method ?? 'GET', path, headers: req.headers, raw, body, status: 0 };
    this.seen.push(rec);
    const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    try {
      this.route(rec, send);
    } catch (e) {
      send(500, baseError('Base.1.0.InternalError', (e as Error).message));
    }
  }

  private authorised(rec: SeenRequest): boolean {
    const tok = rec.headers['x-auth-token'];
    if (typeof tok === 'string' && this.tokens.has(tok)) return true;
    const auth = rec.headers.authorization;
    return typeof auth === 'string' && auth === 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  }

  private route(rec: SeenRequest, send: (s: number, j?: unknown, h?: Record<string, string>) => void): void {
    const { method, path } = rec;
    const b = (rec.body ?? {}) as Json;
    const sessions = '/redfish/v1/SessionService/Sessions';
    if (method === 'GET' && path === '/redfish/v1') {
      const root = this.state.get(path);
      return root ? send(200, root) : send(404, baseError('Base.1.0.ResourceMissingAtURI', path));
    }
    if (method === 'POST' && path === sessions) {
      if (!this.state.has('/redfish/v1/SessionService')) return send(404, baseError('Base.1.0.ResourceMissingAtURI', path));
      if (b.UserName !== USER || b.Password !== PASSWORD) return send(401, baseError('Base.1.0.NoValidSession', 'bad credentials'));
      const id = String(this.tokens.size + 100);
      const token = `tok-${id}-${Math.random().toString(36).slice(2)}`;
      this.tokens.set(token, id);
      const loc = `${sessions}/${id}`;
      const h: Record<string, string> = { 'x-auth-token': token };
      if (!this.rules.sessionNoLocation) h.location = loc;
      return send(201, { '@odata.id': loc, Id: id, UserName: USER }, h);
    }
    if (!this.authorised(rec)) return send(401, this.errorOr('_errors/Base.1.0.NoValidSession.json', baseError('Base.1.0.NoValidSession', 'no valid session')));
    if (method === 'DELETE' && path.startsWith(sessions + '/')) {
      const tok = rec.headers['x-auth-token'];
      if (typeof tok === 'string') this.tokens.delete(tok);
      return send(204);
    }
    if (path.startsWith('/redfish/v1/TaskMonitors/')) return send(200, { TaskState: 'Completed', TaskStatus: 'OK' });
    if (path.includes('/Actions/')) return this.action(rec, b, send);
    const r = this.state.get(path);
    if (!r) return send(404, baseError('Base.1.0.ResourceMissingAtURI', `${path} not found`));
    if (method === 'GET') return send(200, r, { etag: this.etagOf(r) });
    if (method === 'PATCH') return this.patch(rec, r, b, send);
    return send(405, baseError('Base.1.0.OperationNotAllowed', method));
  }

  private errorOr(file: string, fallback: Json): Json {
    return existsSync(join(MOCKUPS, this.tree, file)) ? this.errorFile(file) : fallback;
  }

  private patch(rec: SeenRequest, r: Json, b: Json, send: (s: number, j?: unknown, h?: Record<string, string>) => void): void {
    const ifMatch = rec.headers['if-match'];
    const isMedia = String(r['@odata.type'] ?? '').includes('VirtualMedia');
    if (ifMatch !== undefined) {
      const cur = this.etagOf(r);
      // strongEtags: the service hands out W/ tags but only matches their strong form.
      const ok = this.rules.strongEtags ? ifMatch === cur.replace(/^W\//, '') : ifMatch === cur || ifMatch === cur.replace(/^W\//, '');
      if (!ok) return send(412, baseError('Base.1.0.PreconditionFailed', `If-Match ${String(ifMatch)} != ${cur}`));
    } else if (isMedia && this.rules.patchNeedsIfMatch) {
      return send(428, baseError('Base.1.0.PreconditionRequired', 'If-Match required'));
    }
    // The System itself (it links a settings object), not the settings object that shares its type.
    if (isMedia && typeof b.Image === 'string' && this.rules.refuseSlots?.includes(String(r.Id))) {
      return send(400, baseError('Base.1.0.ActionNotSupported', `${String(r.Id)} is reserved`));
    }
    const isSystem = String(r['@odata.type'] ?? '').includes('ComputerSystem') && !!r['@Redfish.Settings'];
    if (b.Boot) {
      const bo = this.rules.bootOnlyViaSettings;
      if (isSystem && bo) return send(bo.status, bo.file ? this.errorFile(bo.file) : baseError('Base.1.0.PropertyNotWritable', 'Boot', ['Boot']));
      const boot = b.Boot as Json;
      const cur = (r.Boot ?? {}) as Json;
      const allowed = cur['BootSourceOverrideTarget@Redfish.AllowableValues'];
      const target = boot.BootSourceOverrideTarget;
      if (target !== undefined && Array.isArray(allowed) && !allowed.includes(target)) {
        return send(400, baseError('Base.1.0.PropertyValueNotInList', `${String(target)}`, ['Boot/BootSourceOverrideTarget']));
      }
      if (typeof target === 'string' && this.rules.bootTargetRefused?.includes(target)) {
        return send(400, baseError('Base.1.0.PropertyValueNotInList', `${target} does not boot virtual media here`, ['Boot/BootSourceOverrideTarget']));
      }
      r.Boot = { ...cur, ...boot };
    }
    for (const [k, v] of Object.entries(b)) if (k !== 'Boot') r[k] = v;
    if (isMedia) this.mediaState(r, typeof b.Image === 'string' ? b.Image : null, b.Inserted !== false && typeof b.Image === 'string');
    this.bump(r);
    send(200, r, { etag: this.etagOf(r) });
  }

  private mediaState(r: Json, image: string | null, inserted: boolean): void {
    r.Image = image;
    r.ImageName = image ? image.split('/').pop() : null;
    r.Inserted = inserted;
    r.ConnectedVia = inserted ? 'URI' : 'NotConnected';
  }

  private findActionOwner(path: string): { owner: Json; ownerPath: string; name: string } | undefined {
    const i = path.indexOf('/Actions/');
    const ownerPath = path.slice(0, i);
    const owner = this.state.get(ownerPath);
    if (!owner) return undefined;
    const actions = (owner.Actions ?? {}) as Json;
    const all = { ...actions, ...((actions.Oem ?? {}) as Json) };
    for (const [k, v] of Object.entries(all)) {
      if (k.startsWith('#') && strip(String((v as Json).target ?? '')) === path) return { owner, ownerPath, name: k.slice(1) };
    }
    return undefined;
  }

  private action(rec: SeenRequest, b: Json, send: (s: number, j?: unknown, h?: Record<string, string>) => void): void {
    if (rec.method !== 'POST') return send(405, baseError('Base.1.0.OperationNotAllowed', rec.method));
    if (this.rules.rejectIfMatchOnActions && rec.headers['if-match'] !== undefined) {
      return send(412, baseError('Base.1.0.PreconditionFailed', 'If-Match not allowed on actions'));
    }
    const found = this.findActionOwner(rec.path);
    // No advertised action (XCC media members): PATCH-only.
    if (!found) return send(404, baseError('Base.1.0.ActionNotSupported', `${rec.path} is not an advertised action`));
    const { owner, name } = found;
    switch (name) {
      case 'ComputerSystem.Reset': {
        const t = String(b.ResetType);
        const want = t === 'ForceOff' || t === 'GracefulShutdown' ? 'Off' : 'On';
        if (this.rules.resetConflictWhenAlready && (t === 'On' || t === 'ForceOff') && owner.PowerState === want) {
          return send(409, baseError('Base.1.0.ActionParameterValueConflict', `already ${want}`, ['ResetType']));
        }
        owner.PowerState = t === 'ForceOff' || t === 'GracefulShutdown' ? 'Off' : 'On';
        this.bump(owner);
        if (this.rules.resetAsTask) return send(202, { '@odata.id': '/redfish/v1/TaskMonitors/1' }, { location: '/redfish/v1/TaskMonitors/1', 'retry-after': '1' });
        return send(204);
      }
      case 'VirtualMedia.InsertMedia':
        return this.insert(rec, owner, b, send);
      case 'VirtualMedia.EjectMedia': {
        if (this.rules.ejectNeedsJsonObject && (!rec.raw || typeof rec.body !== 'object' || rec.body === null)) {
          return send(415, baseError('Base.1.0.UnsupportedMediaType', 'EjectMedia needs a JSON body'));
        }
        this.mediaState(owner, null, false);
        this.bump(owner);
        return send(204);
      }
      case 'AMIVirtualMedia.EnableRMedia': {
        const coll = this.state.get(`${found.ownerPath}/VirtualMedia`);
        const id = this.rules.rmediaSlot;
        if (!coll || !id) return send(400, baseError('Base.1.0.GeneralError', 'no RMedia'));
        const slotPath = `${found.ownerPath}/VirtualMedia/${id}`;
        // AMI A5: Image "None", no MediaTypes.
        this.state.set(slotPath, {
          '@odata.id': slotPath, '@odata.type': '#VirtualMedia.v1_3_0.VirtualMedia', Id: id, Image: 'None', ImageName: 'None', Inserted: false,
          ConnectedVia: 'NotConnected',
          Actions: {
            '#VirtualMedia.InsertMedia': { target: `${slotPath}/Actions/VirtualMedia.InsertMedia` },
            '#VirtualMedia.EjectMedia': { target: `${slotPath}/Actions/VirtualMedia.EjectMedia` },
          },
        });
        coll.Members = [{ '@odata.id': slotPath }];
        coll['Members@odata.count'] = 1;
        return send(204);
      }
      default:
        if (name.endsWith('ImportSystemConfiguration')) {
          // Dell SCP import: a job; the mock's task monitor reports it completed.
          if (typeof b.ImportBuffer !== 'string' || /> +</.test(b.ImportBuffer) || /\n/.test(b.ImportBuffer)) {
            return send(400, baseError('Base.1.0.PropertyValueFormatError', 'ImportBuffer', ['ImportBuffer']));
          }
          return send(202, undefined, { location: '/redfish/v1/TaskMonitors/JID_1' });
        }
        return send(400, baseError('Base.1.0.ActionNotSupported', name));
    }
  }

  private insert(_rec: SeenRequest, slot: Json, b: Json, send: (s: number, j?: unknown, h?: Record<string, string>) => void): void {
    const image = b.Image;
    if (typeof image !== 'string') return send(400, baseError('Base.1.0.ActionParameterMissing', 'Image', ['Image']));
    if (this.rules.refuseSlots?.includes(String(slot.Id))) return send(400, baseError('Base.1.0.ActionNotSupported', `${String(slot.Id)} is reserved`));
    for (const p of this.rules.insertForbidden ?? []) {
      if (p in b) return send(400, baseError('Base.1.0.ActionParameterNotSupported', `${p} is not supported`, [p]));
    }
    for (const req of this.rules.insertRequired ?? []) {
      const miss = req.params.filter((p) => !(p in b));
      if (miss.length) {
        return send(400, req.file ? this.errorFile(req.file) : baseError('Base.1.0.ActionParameterMissing', `InsertMedia requires ${miss.join(', ')}`, miss));
      }
    }
    if (this.rules.bmcwebInsert) {
      const scheme = new URL(image).protocol;
      const proto = scheme === 'https:' ? 'HTTPS' : scheme === 'smb:' ? 'CIFS' : undefined;
      if (!proto) return send(400, baseError('Base.1.0.PropertyValueIncorrect', 'only https:// or smb:// images', ['Image']));
      if (b.TransferProtocolType !== undefined && b.TransferProtocolType !== proto) return send(400, baseError('Base.1.0.PropertyValueConflict', 'protocol mismatch', ['TransferProtocolType']));
      if (b.TransferMethod !== undefined && b.TransferMethod !== 'Stream') return send(400, baseError('Base.1.0.PropertyValueNotInList', 'TransferMethod', ['TransferMethod']));
      if (b.Inserted !== undefined && b.Inserted !== true) return send(400, baseError('Base.1.0.PropertyValueNotInList', 'Inserted', ['Inserted']));
    }
    const n = this.rules.fetchImageBytes;
    if (n) {
      void fetch(image, { headers: { range: `bytes=0-${n - 1}` } })
        .then(async (r) => {
          const got = (await r.arrayBuffer()).byteLength;
          if (r.status !== 206 || got !== n) return send(400, baseError('Base.1.0.GeneralError', `image fetch: HTTP ${r.status}, ${got} bytes`));
          this.accept(slot, image, b, send);
        })
        .catch((e: Error) => send(400, baseError('Base.1.0.GeneralError', `image fetch failed: ${e.message}`)));
      return;
    }
    this.accept(slot, image, b, send);
  }

  private accept(slot: Json, image: string, b: Json, send: (s: number, j?: unknown, h?: Record<string, string>) => void): void {
    this.mediaState(slot, image, true);
    if (b.TransferProtocolType) slot.TransferProtocolType = b.TransferProtocolType;
    if (this.rules.addEjectAfterInsert) {
      const actions = slot.Actions as Json;
      actions['#VirtualMedia.EjectMedia'] = { target: `${String(slot['@odata.id'])}/Actions/VirtualMedia.EjectMedia` };
    }
    this.bump(slot);
    send(204);
  }
}
