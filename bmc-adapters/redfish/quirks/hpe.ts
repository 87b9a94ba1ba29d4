import type { QuirkEntry } from './types.ts';

/** HPE iLO 5/6/7 (QUIRKS H1-H11). */
export const hpe: QuirkEntry = {
  family: 'hpe',
  match: { vendor: /^hpe?$/i, oemKey: 'Hpe', managerModel: /^iLO/i },
  // H1: media only under Managers/1/VirtualMedia (slot 2 = CD/DVD). H3: only Image on insert.
  media: { prefer: 'managers', never: ['Inserted', 'WriteProtected'] },
  // H6: no PowerCycle; ForceRestart is a warm reset on iLO, so a hard cycle is ForceOff then On.
  // H5: state transitions answer 400 InvalidOperationForSystemState.
  power: { ops: { cycle: ['ForceOff+On'] }, transient: [400, 409] },
};
