import type { QuirkEntry } from './types.ts';

/** OpenBMC bmcweb, stock and NVIDIA / Supermicro forks (QUIRKS O1-O5). */
export const openbmc: QuirkEntry = {
  family: 'openbmc',
  match: { managerModel: /openbmc/i },
  media: {
    prefer: 'managers',
    // O3: only https:// or smb:// images, TransferMethod Stream, Inserted true, protocol agreeing with the URL.
    schemes: ['https', 'smb'],
    always: ['TransferProtocolType', 'TransferMethod', 'Inserted'],
  },
};
