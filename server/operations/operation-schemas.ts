import { z } from 'zod';
import { BOOT_DEVICES, POWER_ACTIONS, type BootDevice, type PowerAction } from '../bmc/bmc-controller.ts';

/** Request bodies of the operation routes; unknown fields are refused so typos do not pass silently. */
export const PowerBodySchema = z.strictObject({
  action: z.enum(POWER_ACTIONS as [PowerAction, ...PowerAction[]]),
});

export const BootBodySchema = z.strictObject({
  device: z.enum(BOOT_DEVICES as [BootDevice, ...BootDevice[]]),
  persistent: z.boolean().optional(),
  efi: z.boolean().optional(),
});

/** A file the media server serves: a plain name, no path, ending in .iso or .img. */
const mediaFile = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(iso|img)$/, 'a file name from the media folder ending in .iso or .img');

export const MediaBodySchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('insert'), file: mediaFile }),
  z.strictObject({ action: z.literal('eject') }),
]);

export const TlsAcceptBodySchema = z.strictObject({
  fingerprint: z.string().regex(/^(sha256[:=])?([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 fingerprint (64 hex digits, colons optional)'),
});
