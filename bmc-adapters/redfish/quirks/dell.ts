import type { QuirkEntry } from './types.ts';

/** Dell iDRAC 9/10 (QUIRKS D1-D14). */
export const dell: QuirkEntry = {
  family: 'dell',
  match: { vendor: /^dell/i, oemKey: 'Dell', manufacturer: /^dell/i, managerModel: /idrac/i },
  // D1/D2: Systems/.../VirtualMedia/1 on iDRAC9 >= 6 and iDRAC10; Managers only on old firmware.
  // D3: iDRAC10 advertises TransferProtocolType; sending it always is harmless on iDRAC9.
  media: { prefer: 'systems', always: ['TransferProtocolType'] },
  boot: {
    // D4: "Cd" is the local optical drive on iDRAC9 < 6.00 and iDRAC10; the virtual CD is chosen through
    // Server Configuration Profile import (the XML must carry no insignificant whitespace).
    oemVirtualCd: {
      action: /ImportSystemConfiguration$/,
      when: [{ managerModel: /^17G/ }, { firmwareBelowMajor: 6 }],
      body: {
        ShareParameters: { Target: 'ALL' },
        ImportBuffer:
          '<SystemConfiguration><Component FQDD="iDRAC.Embedded.1"><Attribute Name="ServerBoot.1#BootOnce">{{ONCE}}</Attribute>' +
          '<Attribute Name="ServerBoot.1#FirstBootDevice">VCD-DVD</Attribute></Component></SystemConfiguration>',
      },
      once: { once: 'Enabled', persistent: 'Disabled' },
    },
  },
  // D9: "On" right after "ForceOff" answers 409 for a while. No ForceOn / PowerCycle on iDRAC10.
  power: { transient: [409, 400, 503] },
  // D5: iDRAC10 rejects Boot on the System; 'auto' falls back to the Settings object. D8: no If-Match on POST.
  ifMatchOnActions: false,
};
