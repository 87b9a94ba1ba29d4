import type { QuirkEntry } from './types.ts';

/** AMI MegaRAC (Gigabyte, NVIDIA DGX, Quanta, Nokia, ASRockRack; QUIRKS A1-A8). */
export const ami: QuirkEntry = {
  family: 'ami',
  match: { vendor: /^ami$/i, oemKey: 'Ami' },
  // A2: Boot lives in the @Redfish.Settings object (/SD) and wants the full request every time.
  boot: { fullObject: true, where: 'settings' },
  media: {
    prefer: 'managers',
    // A6: ActionParameterMissing without TransferProtocolType. A7 (DGX): credentials are
    // added on the error that names them, by the generic fallback.
    always: ['TransferProtocolType'],
    // A4: CD instances appear only after RMedia is enabled.
    enable: { action: '#AMIVirtualMedia.EnableRMedia', body: { RMediaState: 'Enable' } },
  },
  // A3: ActionInfo only, usually no GracefulRestart / PowerCycle.
  power: { ops: { cycle: ['PowerCycle', 'ForceOff+On'] } },
};
