/** Boot devices the operator asks for; each family maps them to Redfish BootSourceOverrideTarget values. */
export type BootDevice = 'cd' | 'pxe' | 'hdd' | 'bios';

/** Optional InsertMedia parameters (QUIRKS rule 2). `Credentials` = UserName + Password. */
export type InsertParam = 'TransferProtocolType' | 'TransferMethod' | 'Credentials' | 'Inserted' | 'WriteProtected';

/** cycle = hard off/on; reset = restart (warm where the BMC only has that); soft = ACPI shutdown request. */
export type PowerOp = 'on' | 'off' | 'cycle' | 'reset' | 'soft';

/**
 * Everything one vendor family does differently, as data. The code in
 * power.ts / boot.ts / virtual-media.ts reads these fields and has no vendor
 * conditions of its own: supporting a new vendor means adding an entry.
 */
export interface Quirks {
  family: string;
  /** Recognised when any given field matches ServiceRoot / Manager / System. */
  match: {
    vendor?: RegExp;
    oemKey?: string;
    manufacturer?: RegExp;
    managerModel?: RegExp;
  };
  boot: {
    /** Preference per device; the first one listed in the AllowableValues is used. */
    targets: Record<BootDevice, string[]>;
    /** Send Target + Enabled + Mode together every time (AMI A2, Supermicro S6). */
    fullObject: boolean;
    /** 'auto': System, or its @Redfish.Settings object when the System lacks AllowableValues or rejects the PATCH. */
    where: 'auto' | 'settings';
    /**
     * Where the standard "Cd" target means the physical drive, the virtual CD is
     * selected by an OEM Manager action instead (Dell D4). Used when the Manager
     * advertises the action and matches `when` (any entry).
     */
    oemVirtualCd?: {
      /** Matches the key of the Manager's Actions.Oem entry. */
      action: RegExp;
      when: { managerModel?: RegExp; firmwareBelowMajor?: number }[];
      /** JSON body; `{{ONCE}}` is replaced by the once/persistent value. */
      body: Record<string, unknown>;
      once: { once: string; persistent: string };
    };
  };
  media: {
    /** Which collection to search first (both are always searched, QUIRKS rule 1). */
    prefer: 'systems' | 'managers';
    /** Only members whose Id matches can mount a URL (XCC: EXT*). */
    slotId?: RegExp;
    /** Parameters sent on the first InsertMedia attempt. */
    always: InsertParam[];
    /** Parameters the BMC rejects; never sent (Supermicro S2). */
    never: InsertParam[];
    /** URL schemes the BMC accepts for images (bmcweb: https/smb only). */
    schemes?: string[];
    /** The BMC unmounts media when the session that mounted it ends: mount with HTTP Basic instead. */
    basicAuthForInsert: boolean;
    /** OEM action that makes CD slots appear when the collection is empty (AMI A4). */
    enable?: { action: string; body: Record<string, unknown> };
  };
  power: {
    /** ResetType preference per operation; a '+'-joined entry is a sequence (e.g. ForceOff+On). */
    ops: Record<PowerOp, string[]>;
    /** Statuses that mean "not ready yet, try again" for Reset (Dell D9, HPE H5). */
    transient: number[];
  };
  /** Send If-Match on action POSTs (iDRAC10 answers 412 to it, QUIRKS D8). */
  ifMatchOnActions: boolean;
}

/** A family entry: only what differs from the DMTF defaults. */
export interface QuirkEntry {
  family: string;
  match: Quirks['match'];
  boot?: Partial<Omit<Quirks['boot'], 'targets'>> & { targets?: Partial<Quirks['boot']['targets']> };
  media?: Partial<Quirks['media']>;
  power?: Partial<Omit<Quirks['power'], 'ops'>> & { ops?: Partial<Quirks['power']['ops']> };
  ifMatchOnActions?: boolean;
}
