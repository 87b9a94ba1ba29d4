import type { Quirks } from './types.ts';

/** DMTF-conformant behaviour: the base every family entry is merged onto. */
export const dmtf: Quirks = {
  family: 'dmtf',
  match: {},
  boot: {
    targets: { cd: ['Cd'], pxe: ['Pxe'], hdd: ['Hdd'], bios: ['BiosSetup'] },
    fullObject: false,
    where: 'auto',
  },
  media: { prefer: 'systems', always: [], never: [], basicAuthForInsert: false },
  power: {
    ops: {
      on: ['On', 'ForceOn'],
      off: ['ForceOff'],
      cycle: ['PowerCycle', 'ForceRestart', 'ForceOff+On'],
      reset: ['ForceRestart', 'PowerCycle', 'ForceOff+On'],
      soft: ['GracefulShutdown', 'PushPowerButton'],
    },
    transient: [409],
  },
  ifMatchOnActions: false,
};
