import { ami } from './ami.ts';
import { dell } from './dell.ts';
import { dmtf } from './dmtf.ts';
import { hpe } from './hpe.ts';
import { lenovo } from './lenovo.ts';
import { openbmc } from './openbmc.ts';
import { supermicro } from './supermicro.ts';
import type { QuirkEntry, Quirks } from './types.ts';

export type { BootDevice, InsertParam, PowerOp, QuirkEntry, Quirks } from './types.ts';
export { dmtf };

/** Order matters only for BMCs that would match two entries: forks before their upstream. */
export const QUIRK_ENTRIES: readonly QuirkEntry[] = [dell, hpe, lenovo, supermicro, ami, openbmc];

/** What detection looks at: ServiceRoot, the chosen Manager and System. */
export interface Identity {
  vendor?: string;
  oemKeys: string[];
  manufacturer?: string;
  managerModel?: string;
}

export function matches(e: QuirkEntry, id: Identity): boolean {
  const m = e.match;
  return (
    (!!m.vendor && !!id.vendor && m.vendor.test(id.vendor)) ||
    (!!m.oemKey && id.oemKeys.includes(m.oemKey)) ||
    (!!m.manufacturer && !!id.manufacturer && m.manufacturer.test(id.manufacturer)) ||
    (!!m.managerModel && !!id.managerModel && m.managerModel.test(id.managerModel))
  );
}

/** DMTF defaults overlaid with one family entry. */
export function resolveQuirks(entry?: QuirkEntry): Quirks {
  if (!entry) return dmtf;
  return {
    family: entry.family,
    match: entry.match,
    boot: { ...dmtf.boot, ...entry.boot, targets: { ...dmtf.boot.targets, ...entry.boot?.targets } },
    media: { ...dmtf.media, ...entry.media },
    power: { ...dmtf.power, ...entry.power, ops: { ...dmtf.power.ops, ...entry.power?.ops } },
    ifMatchOnActions: entry.ifMatchOnActions ?? dmtf.ifMatchOnActions,
  };
}

export function detectQuirks(id: Identity, entries: readonly QuirkEntry[] = QUIRK_ENTRIES): Quirks {
  return resolveQuirks(entries.find((e) => matches(e, id)));
}
