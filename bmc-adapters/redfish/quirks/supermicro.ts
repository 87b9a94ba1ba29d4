import type { QuirkEntry } from './types.ts';

/** Supermicro X10-X13 (QUIRKS S1-S8). */
export const supermicro: QuirkEntry = {
  family: 'supermicro',
  match: { vendor: /supermicro/i, oemKey: 'Supermicro', manufacturer: /supermicro/i },
  // S1: virtual media boots as UsbCd (X10 also UefiUsbCd; "CD/DVD" is the physical drive there).
  // S6: Enabled must accompany every change and Mode resets to BIOS otherwise: full object.
  boot: { targets: { cd: ['UsbCd', 'UefiUsbCd', 'Cd'] }, fullObject: true },
  // S2: Inserted / WriteProtected in InsertMedia are errors on X11/X12.
  media: { prefer: 'managers', never: ['Inserted', 'WriteProtected'] },
};
