import { AdapterError } from '../errors.ts';
import { members, odataId, type Json, type RedfishTarget } from './discovery.ts';
import { RedfishError } from './errors.ts';
import type { InsertParam } from './quirks/index.ts';
import { awaitTask } from './tasks.ts';

export interface MediaSlot {
  path: string;
  id: string;
  image: string | undefined;
  inserted: boolean;
  connectedVia: string | undefined;
  mediaTypes: string[] | undefined;
  insertTarget: string | undefined;
  insertInfo: string | undefined;
  ejectTarget: string | undefined;
  /** No actions at all, and the Allow header (when sent) lists PATCH: insert/eject by PATCH (QUIRKS G5). */
  patchable: boolean;
  action: Json | undefined;
}

/** "Empty" reads as null, "", "None" or a missing key depending on vendor (QUIRKS rule 3, A5, O4). */
export function imageOf(b: Json): string | undefined {
  const v = b.Image;
  return typeof v === 'string' && v !== '' && v !== 'None' ? v : undefined;
}

/** Supermicro keeps ImageName after eject (S3): NotConnected wins over a stale Image. */
export function isEmpty(slot: MediaSlot): boolean {
  return !slot.inserted && (slot.connectedVia === 'NotConnected' || !slot.image);
}

function toSlot(path: string, b: Json, allow: string | undefined): MediaSlot {
  const actions = (b.Actions ?? {}) as Json;
  const ins = actions['#VirtualMedia.InsertMedia'] as Json | undefined;
  const ej = actions['#VirtualMedia.EjectMedia'] as Json | undefined;
  const hasActions = !!ins || !!ej;
  return {
    path,
    id: String(b.Id ?? path.split('/').pop()),
    image: imageOf(b),
    inserted: b.Inserted === true,
    connectedVia: typeof b.ConnectedVia === 'string' ? b.ConnectedVia : undefined,
    mediaTypes: Array.isArray(b.MediaTypes) ? b.MediaTypes.map(String) : undefined,
    insertTarget: typeof ins?.target === 'string' ? ins.target : undefined,
    insertInfo: typeof ins?.['@Redfish.ActionInfo'] === 'string' ? (ins['@Redfish.ActionInfo'] as string) : undefined,
    ejectTarget: typeof ej?.target === 'string' ? ej.target : undefined,
    patchable: !hasActions && (!allow || /\bPATCH\b/i.test(allow)),
    action: ins,
  };
}

async function collectionPaths(t: RedfishTarget): Promise<string[]> {
  const sys = await t.etags.read<Json>(t.s, t.systemPath);
  const fromSystem = odataId(sys.VirtualMedia);
  const fromManagers: string[] = [];
  for (const m of t.managerPaths) {
    const r = await t.s.request('GET', m);
    const vm = r.status < 400 ? odataId((r.body as Json).VirtualMedia) : undefined;
    if (vm) fromManagers.push(vm);
  }
  // Abridged or older services omit the link; the conventional path costs one 404 at worst.
  if (!fromManagers.length) for (const m of t.managerPaths) fromManagers.push(`${m}/VirtualMedia`);
  const sysList = [fromSystem ?? `${t.systemPath}/VirtualMedia`];
  return t.quirks.media.prefer === 'systems' ? [...sysList, ...fromManagers] : [...fromManagers, ...sysList];
}

/** Every VirtualMedia member under the System and its Managers (QUIRKS rule 1), deduplicated. */
export async function listSlots(t: RedfishTarget): Promise<MediaSlot[]> {
  const seen = new Set<string>();
  const out: MediaSlot[] = [];
  for (const c of await collectionPaths(t)) {
    const r = await t.s.request('GET', c);
    if (r.status >= 400) continue;
    // Natural order (1 before 2, USB1 before USB2): the first slot is the one vendors document for ISOs (QUIRKS D2).
    const paths = members(r.body as Json).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const p of paths) {
      if (seen.has(p)) continue;
      seen.add(p);
      const m = await t.s.request('GET', p);
      if (m.status >= 400) continue;
      t.etags.remember(p, m);
      out.push(toSlot(p, m.body as Json, m.headers.allow));
    }
  }
  return out;
}

function usable(t: RedfishTarget, s: MediaSlot): boolean {
  const cd = !s.mediaTypes || s.mediaTypes.some((m) => m === 'CD' || m === 'DVD');
  const idOk = !t.quirks.media.slotId || t.quirks.media.slotId.test(s.id);
  return cd && idOk && (!!s.insertTarget || s.patchable);
}

const PROTOCOL: Record<string, string> = { 'http:': 'HTTP', 'https:': 'HTTPS', 'smb:': 'CIFS', 'cifs:': 'CIFS', 'nfs:': 'NFS' };

/** AMI A4: the CD instances exist only after the OEM EnableRMedia action. */
async function enableIfNeeded(t: RedfishTarget): Promise<boolean> {
  const en = t.quirks.media.enable;
  if (!en) return false;
  for (const m of t.managerPaths) {
    const mgr = await t.s.get<Json>(m);
    const oem = ((mgr.Actions as Json | undefined)?.Oem ?? {}) as Json;
    const act = oem[en.action] as Json | undefined;
    if (typeof act?.target === 'string') {
      const r = await t.s.call('POST', act.target, { json: en.body });
      await awaitTask(t.s, r, { clock: t.clock });
      return true;
    }
  }
  return false;
}

/** Slots to try, best first: the one already holding `url`, else every free one (QUIRKS C2: some refuse). */
async function findSlots(t: RedfishTarget, url: string): Promise<MediaSlot[]> {
  let slots = (await listSlots(t)).filter((s) => usable(t, s));
  if (!slots.length && (await enableIfNeeded(t))) slots = (await listSlots(t)).filter((s) => usable(t, s));
  const same = slots.find((s) => s.image === url && !isEmpty(s));
  if (same) return [same];
  const free = slots.filter((s) => isEmpty(s));
  if (free.length) return free;
  if (slots.length) {
    const busy = slots.map((s) => `${s.id} (${s.connectedVia ?? '?'}: ${s.image ?? '?'})`).join(', ');
    throw new AdapterError('E_REDFISH_MEDIA_BUSY', `every CD slot is in use: ${busy}; eject first`);
  }
  throw new AdapterError('E_REDFISH_NO_MEDIA_SLOT', `no CD/DVD VirtualMedia slot with an insert path under ${t.systemPath} or its Managers`);
}

async function requiredByActionInfo(t: RedfishTarget, slot: MediaSlot): Promise<InsertParam[]> {
  if (!slot.insertInfo) return [];
  const r = await t.s.request('GET', slot.insertInfo);
  if (r.status >= 400) return [];
  const params = ((r.body as Json).Parameters ?? []) as Json[];
  const out: InsertParam[] = [];
  for (const p of params) {
    if (p.Required !== true) continue;
    if (p.Name === 'UserName' || p.Name === 'Password') out.push('Credentials');
    else if (p.Name === 'TransferProtocolType' || p.Name === 'TransferMethod' || p.Name === 'Inserted' || p.Name === 'WriteProtected') out.push(p.Name);
  }
  return out;
}

function addParam(body: Json, p: InsertParam, url: string, action: Json | undefined): void {
  switch (p) {
    case 'TransferProtocolType': {
      const proto = PROTOCOL[new URL(url).protocol];
      const allowed = action?.['TransferProtocolType@Redfish.AllowableValues'];
      if (!proto || (Array.isArray(allowed) && !allowed.includes(proto))) {
        throw new AdapterError('E_REDFISH_MEDIA_SCHEME', `BMC does not accept ${new URL(url).protocol} images (allowed: ${String(allowed)})`);
      }
      body.TransferProtocolType = proto;
      break;
    }
    case 'TransferMethod':
      body.TransferMethod = 'Stream';
      break;
    case 'Credentials':
      // Dummy values: some BMCs demand them even for anonymous HTTP (QUIRKS A7); the media server ignores them.
      body.UserName = 'rescuebox';
      body.Password = 'rescuebox';
      break;
    case 'Inserted':
      body.Inserted = true;
      break;
    case 'WriteProtected':
      body.WriteProtected = true;
      break;
  }
}

const FALLBACK_ORDER: InsertParam[] = ['TransferProtocolType', 'TransferMethod', 'Credentials', 'Inserted', 'WriteProtected'];
const NAMES: Record<InsertParam, string[]> = {
  TransferProtocolType: ['TransferProtocolType'],
  TransferMethod: ['TransferMethod'],
  Credentials: ['UserName', 'Password'],
  Inserted: ['Inserted'],
  WriteProtected: ['WriteProtected'],
};

/** InsertMedia with the smallest body, adding what the BMC names as missing (QUIRKS rule 2, A6, A7, G1). */
async function insertByAction(t: RedfishTarget, slot: MediaSlot, url: string, target: string): Promise<void> {
  const q = t.quirks.media;
  const never = new Set<InsertParam>(q.never);
  const want = new Set<InsertParam>([...q.always, ...(await requiredByActionInfo(t, slot))]);
  const build = () => {
    const body: Json = { Image: url };
    for (const p of FALLBACK_ORDER) if (want.has(p) && !never.has(p)) addParam(body, p, url, slot.action);
    return body;
  };
  for (let attempt = 1; attempt <= 6; attempt++) {
    const headers: Record<string, string> = {};
    const tag = t.etags.get(slot.path);
    if (t.quirks.ifMatchOnActions && tag) headers['if-match'] = tag;
    const r = await t.s.request('POST', target, { json: build(), headers, basic: q.basicAuthForInsert });
    if (r.status < 300) {
      await awaitTask(t.s, r, { clock: t.clock });
      return;
    }
    const err = new RedfishError('POST', target, r.status, r.body);
    // An eject still in progress answers 5xx (QUIRKS D10): try again shortly.
    if (r.status >= 500 && attempt < 3) {
      await t.clock.sleep(2_000);
      continue;
    }
    const missing = FALLBACK_ORDER.find((p) => !want.has(p) && !never.has(p) && NAMES[p].some((n) => err.blames(n)));
    if (missing) {
      want.add(missing);
      continue;
    }
    // H3/S2: Inserted / WriteProtected rejected: drop them and retry with less.
    const extra = (['Inserted', 'WriteProtected'] as const).filter((p) => want.has(p) && !never.has(p));
    if (r.status === 400 && extra.length) {
      for (const p of extra) never.add(p);
      continue;
    }
    throw err;
  }
  throw new AdapterError('E_REDFISH_MEDIA_INSERT', `InsertMedia on ${slot.path} kept failing`);
}

/** XCC-style members without actions: PATCH with If-Match from the last GET (QUIRKS L2, G5). */
async function insertByPatch(t: RedfishTarget, slot: MediaSlot, url: string): Promise<void> {
  const body: Json = { Image: url, Inserted: true, WriteProtected: true };
  if (t.quirks.media.always.includes('TransferProtocolType')) addParam(body, 'TransferProtocolType', url, undefined);
  await t.etags.read(t.s, slot.path);
  const r = await t.etags.patch(t.s, slot.path, body);
  await awaitTask(t.s, r, { clock: t.clock });
}

async function readBack(t: RedfishTarget, path: string, ok: (s: MediaSlot) => boolean, what: string): Promise<MediaSlot> {
  // iDRAC reports the old state for a short while (QUIRKS D10): a few reads before giving up.
  for (let i = 0; ; i++) {
    const r = await t.s.call('GET', path);
    t.etags.remember(path, r);
    const s = toSlot(path, r.body as Json, r.headers.allow);
    if (ok(s)) return s;
    if (i >= 4) throw new AdapterError('E_REDFISH_VERIFY', `${path}: ${what} not confirmed on read-back (Image=${s.image ?? 'none'}, Inserted=${s.inserted})`);
    await t.clock.sleep(1_000);
  }
}

export async function insertMedia(t: RedfishTarget, url: string): Promise<MediaSlot> {
  const scheme = new URL(url).protocol.replace(':', '');
  if (t.quirks.media.schemes && !t.quirks.media.schemes.includes(scheme)) {
    throw new AdapterError('E_REDFISH_MEDIA_SCHEME', `${t.quirks.family} BMCs accept only ${t.quirks.media.schemes.join('/')} images, not ${scheme}`);
  }
  const slots = await findSlots(t, url);
  for (const [i, slot] of slots.entries()) {
    if (slot.image === url && !isEmpty(slot)) return slot;
    try {
      if (slot.insertTarget) await insertByAction(t, slot, url, slot.insertTarget);
      else await insertByPatch(t, slot, url);
    } catch (e) {
      // A slot reserved for something else (Cisco C2, OpenBMC proxy slots C3) refuses: try the next one.
      if (e instanceof RedfishError && [400, 403, 405].includes(e.status) && i < slots.length - 1) continue;
      throw e;
    }
    // Inserted may be null on some BMCs; the image URL is the other proof.
    return readBack(t, slot.path, (s) => s.inserted || (s.image === url && s.connectedVia !== 'NotConnected'), 'insert');
  }
  throw new AdapterError('E_REDFISH_NO_MEDIA_SLOT', 'no VirtualMedia slot accepted the image');
}

/** Ejects every mounted slot we could have mounted (or only the one holding `url`). */
export async function ejectMedia(t: RedfishTarget, url?: string): Promise<MediaSlot[]> {
  const slots = (await listSlots(t)).filter((s) => usable(t, s) || !!s.ejectTarget);
  const mounted = slots.filter((s) => !isEmpty(s) && (url ? s.image === url : s.connectedVia !== 'Applet'));
  const done: MediaSlot[] = [];
  for (const s of mounted) {
    let r;
    if (s.ejectTarget) {
      // iLO rejects a POST without a JSON body (QUIRKS H2): always send {}.
      r = await t.s.call('POST', s.ejectTarget, { json: {}, basic: t.quirks.media.basicAuthForInsert });
    } else if (s.patchable) {
      await t.etags.read(t.s, s.path);
      r = await t.etags.patch(t.s, s.path, { Image: null, Inserted: false });
    } else continue;
    await awaitTask(t.s, r, { clock: t.clock });
    done.push(await readBack(t, s.path, isEmpty, 'eject'));
  }
  return done;
}

