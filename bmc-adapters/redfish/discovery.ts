import { AdapterError } from '../errors.ts';
import type { Clock } from './clock.ts';
import type { EtagCache } from './etag.ts';
import { detectQuirks, QUIRK_ENTRIES, type Identity, type QuirkEntry, type Quirks } from './quirks/index.ts';
import type { RedfishSession } from './session.ts';

export type Json = Record<string, unknown>;

/** What every operation needs: the connection, the chosen System and Managers, and the family's quirks. */
export interface RedfishTarget {
  s: RedfishSession;
  etags: EtagCache;
  clock: Clock;
  quirks: Quirks;
  root: Json;
  systemPath: string;
  managerPaths: string[];
  identity: Identity;
}

export function odataId(v: unknown): string | undefined {
  const id = (v as { '@odata.id'?: unknown } | null | undefined)?.['@odata.id'];
  return typeof id === 'string' ? stripSlash(id) : undefined;
}

/** Lenovo's ServiceRoot is `/redfish/v1/` (QUIRKS L7): compare paths without the trailing slash. */
export function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function members(collection: Json): string[] {
  const m = collection.Members;
  return Array.isArray(m) ? m.map(odataId).filter((x): x is string => !!x) : [];
}

/**
 * Reads the ServiceRoot (unauthenticated, as DSP0266 allows), logs in, picks
 * the first System that resolves (DGX / GB200 list a baseboard System too,
 * often not readable) and the Managers that manage it, then chooses quirks.
 */
export async function discover(
  s: RedfishSession,
  etags: EtagCache,
  clock: Clock,
  opts: { quirkEntries?: readonly QuirkEntry[]; systemId?: string } = {},
): Promise<RedfishTarget> {
  const rootRes = await s.http.send('GET', '/redfish/v1/');
  let root = (rootRes.status < 400 ? rootRes.body : {}) as Json;
  const links = root.Links as Json | undefined;
  // A root that wants authentication (against DSP0266) still has the standard SessionService.
  const guarded = rootRes.status === 401 || rootRes.status === 403;
  const sessionsPath = odataId(links?.Sessions) ?? (root.SessionService || guarded ? '/redfish/v1/SessionService/Sessions' : undefined);
  if (sessionsPath) await s.login(sessionsPath);
  else s.mode = 'basic';
  if (guarded) {
    const again = await s.request('GET', '/redfish/v1/');
    if (again.status < 400) root = again.body as Json;
  }

  const systemsPath = odataId(root.Systems) ?? '/redfish/v1/Systems';
  const candidates = members(await s.get(systemsPath));
  let systemPath: string | undefined;
  let system: Json | undefined;
  for (const p of candidates) {
    if (opts.systemId && !p.endsWith(`/${opts.systemId}`)) continue;
    const r = await s.request('GET', p);
    if (r.status < 400 && r.body) {
      etags.remember(p, r);
      systemPath = p;
      system = r.body as Json;
      break;
    }
  }
  if (!systemPath || !system) throw new AdapterError('E_REDFISH_NO_SYSTEM', `no readable ComputerSystem under ${systemsPath}`);

  const managedBy = ((system.Links as Json | undefined)?.ManagedBy ?? []) as unknown[];
  let managerPaths = managedBy.map(odataId).filter((x): x is string => !!x);
  if (!managerPaths.length && root.Managers) {
    const r = await s.request('GET', odataId(root.Managers) ?? '/redfish/v1/Managers');
    if (r.status < 400) managerPaths = members(r.body as Json);
  }
  let managerModel: string | undefined;
  const first = managerPaths[0];
  if (first) {
    const r = await s.request('GET', first);
    if (r.status < 400) managerModel = (r.body as Json).Model as string | undefined;
  }
  const identity: Identity = {
    vendor: typeof root.Vendor === 'string' ? root.Vendor : undefined,
    oemKeys: Object.keys((root.Oem as Json | undefined) ?? {}),
    manufacturer: typeof system.Manufacturer === 'string' ? system.Manufacturer : undefined,
    managerModel,
  };
  const quirks = detectQuirks(identity, opts.quirkEntries ?? QUIRK_ENTRIES);
  return { s, etags, clock, quirks, root, systemPath, managerPaths, identity };
}
