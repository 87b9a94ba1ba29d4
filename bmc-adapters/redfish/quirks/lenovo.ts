import type { QuirkEntry } from './types.ts';

/** Lenovo XClarity Controller XCC / XCC2 (QUIRKS L1-L7). */
export const lenovo: QuirkEntry = {
  family: 'lenovo',
  match: { vendor: /^lenovo/i, oemKey: 'Lenovo', managerModel: /xclarity/i },
  // L1: only EXT1-4 mount a URL; L2: no actions, PATCH with If-Match (handled by the generic PATCH path).
  media: { prefer: 'managers', slotId: /^EXT\d+$/ },
  // L5: ForceRestart has hung nodes; Lenovo recommends ForceOff, wait, On.
  power: { ops: { cycle: ['ForceOff+On'], reset: ['ForceOff+On'] } },
};
