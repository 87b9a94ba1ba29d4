import { AdapterError } from '../errors.ts';
import { odataId, type Json, type RedfishTarget } from './discovery.ts';
import { RedfishError } from './errors.ts';
import type { BootDevice } from './quirks/index.ts';
import { awaitTask } from './tasks.ts';

export interface BootRequest {
  device: BootDevice;
  /** Continuous instead of Once (several BMCs refuse it, QUIRKS G4). */
  persistent?: boolean;
  mode?: 'UEFI' | 'Legacy';
}

export interface BootResult {
  /** Resource that took the PATCH: the System or its @Redfish.Settings object. */
  path: string;
  boot: Json;
}

function allowable(boot: Json | undefined, prop: string): string[] | undefined {
  const v = boot?.[`${prop}@Redfish.AllowableValues`];
  return Array.isArray(v) ? v.map(String) : undefined;
}

/** The first preferred value the BMC lists; without a list, the first preference. */
export function pick(prefs: string[], allowed: string[] | undefined): string | undefined {
  if (!allowed) return prefs[0];
  return prefs.find((p) => allowed.includes(p));
}

/** Dell D4: select the virtual CD by the family's OEM Manager action when this BMC needs it and offers it. */
async function oemVirtualCd(t: RedfishTarget, req: BootRequest): Promise<BootResult | undefined> {
  const oem = t.quirks.boot.oemVirtualCd;
  if (!oem || req.device !== 'cd') return undefined;
  for (const m of t.managerPaths) {
    const r = await t.s.request('GET', m);
    if (r.status >= 400) continue;
    const mgr = r.body as Json;
    const model = String(mgr.Model ?? '');
    const major = Number(/^(\d+)\./.exec(String(mgr.FirmwareVersion ?? ''))?.[1] ?? NaN);
    const applies = oem.when.some(
      (w) => (!!w.managerModel && w.managerModel.test(model)) || (w.firmwareBelowMajor !== undefined && major < w.firmwareBelowMajor),
    );
    if (!applies) continue;
    const actions = ((mgr.Actions as Json | undefined)?.Oem ?? {}) as Json;
    const entry = Object.entries(actions).find(([k]) => oem.action.test(k))?.[1] as Json | undefined;
    if (typeof entry?.target !== 'string') continue;
    const value = req.persistent ? oem.once.persistent : oem.once.once;
    const body = JSON.parse(JSON.stringify(oem.body).replaceAll('{{ONCE}}', value)) as Json;
    const res = await t.s.call('POST', entry.target, { json: body });
    await awaitTask(t.s, res, { clock: t.clock });
    return { path: entry.target, boot: { BootSourceOverrideTarget: 'VCD-DVD', BootSourceOverrideEnabled: req.persistent ? 'Continuous' : 'Once' } };
  }
  return undefined;
}

/**
 * One-time (or persistent) boot override, QUIRKS rule 4: PATCH the System,
 * or its settings object when the family says so, when the System carries no
 * AllowableValues (AMI DGX) or when the System refuses (iDRAC10 "read-only").
 * Values are checked against AllowableValues from whichever resource has them.
 */
export async function setBootOverride(t: RedfishTarget, req: BootRequest): Promise<BootResult> {
  const viaOem = await oemVirtualCd(t, req);
  if (viaOem) return viaOem;
  const sys = await t.etags.read<Json>(t.s, t.systemPath);
  const sysBoot = sys.Boot as Json | undefined;
  const settingsPath = odataId((sys['@Redfish.Settings'] as Json | undefined)?.SettingsObject);
  const settingsBoot = settingsPath ? ((await t.etags.read<Json>(t.s, settingsPath)).Boot as Json | undefined) : undefined;
  const sysHasValues = !!allowable(sysBoot, 'BootSourceOverrideTarget');
  const ref = sysHasValues ? sysBoot : (settingsBoot ?? sysBoot);
  if (!ref) throw new AdapterError('E_REDFISH_UNSUPPORTED', `${t.systemPath} has no Boot object`);

  const targets = allowable(ref, 'BootSourceOverrideTarget');
  const target = pick(t.quirks.boot.targets[req.device], targets);
  if (!target) {
    throw new AdapterError('E_REDFISH_UNSUPPORTED', `boot device ${req.device}: none of ${t.quirks.boot.targets[req.device].join('/')} in ${targets?.join(', ')}`);
  }
  const enabled = req.persistent ? 'Continuous' : 'Once';
  const enabledAllowed = allowable(ref, 'BootSourceOverrideEnabled');
  if (enabledAllowed && !enabledAllowed.includes(enabled)) {
    throw new AdapterError('E_REDFISH_UNSUPPORTED', `BootSourceOverrideEnabled=${enabled} not supported (allowed: ${enabledAllowed.join(', ')})`);
  }
  const body: Json = { BootSourceOverrideTarget: target, BootSourceOverrideEnabled: enabled };
  const mode = req.mode ?? 'UEFI';
  const modeAllowed = allowable(ref, 'BootSourceOverrideMode');
  // Mode only where the BMC has the property (iLO 4 / X10 cannot set it, QUIRKS H9) and accepts the value.
  const hasMode = 'BootSourceOverrideMode' in ref && (!modeAllowed || modeAllowed.includes(mode));
  if (hasMode && (t.quirks.boot.fullObject || ref.BootSourceOverrideMode !== mode)) body.BootSourceOverrideMode = mode;

  const order: string[] = [];
  const preferSettings = settingsPath && (t.quirks.boot.where === 'settings' || !sysHasValues);
  if (preferSettings) order.push(settingsPath);
  else {
    order.push(t.systemPath);
    if (settingsPath) order.push(settingsPath);
  }
  let lastErr: unknown;
  for (const path of order) {
    try {
      await t.etags.patch(t.s, path, { Boot: body });
    } catch (e) {
      // Only a refusal of the resource itself moves on to the settings object.
      if (e instanceof RedfishError && [400, 403, 405, 501].includes(e.status) && path !== order[order.length - 1]) {
        lastErr = e;
        continue;
      }
      throw e;
    }
    const after = (await t.etags.read<Json>(t.s, path)).Boot as Json | undefined;
    if (after?.BootSourceOverrideTarget !== target) {
      throw new AdapterError('E_REDFISH_VERIFY', `${path}: BootSourceOverrideTarget reads ${String(after?.BootSourceOverrideTarget)} after PATCH to ${target}`);
    }
    return { path, boot: after };
  }
  throw lastErr instanceof Error ? lastErr : new AdapterError('E_REDFISH_BOOT', 'boot override failed');
}
