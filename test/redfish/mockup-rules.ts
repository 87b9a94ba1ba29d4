/**
 * What the mockup server enforces per tree, from ../shared/redfish-mockups/QUIRKS.md.
 * Data only; mockup-server.ts applies it.
 */
export interface MockRules {
  /** Error body file (relative to the tree) + status for a Boot PATCH on the System (D5, A2). */
  bootOnlyViaSettings?: { status: number; file?: string };
  /** 412 when If-Match is sent on an action POST (D8). */
  rejectIfMatchOnActions?: boolean;
  /** PATCH on VirtualMedia members needs If-Match (L2); missing -> 428. */
  patchNeedsIfMatch?: boolean;
  /** EjectMedia without a JSON object body -> 415 (H2). */
  ejectNeedsJsonObject?: boolean;
  /** InsertMedia parameters that make the BMC answer 400 (S2, H3). */
  insertForbidden?: string[];
  /** InsertMedia parameters whose absence answers this error (A6, A7): `file` relative to the tree, or generated. */
  insertRequired?: { params: string[]; file?: string }[];
  /** bmcweb O3: scheme list, TransferMethod Stream, Inserted true, protocol matches scheme. */
  bmcwebInsert?: boolean;
  /** After InsertMedia, advertise EjectMedia (S4: only InsertMedia while empty). */
  addEjectAfterInsert?: boolean;
  /** OEM EnableRMedia creates this CD slot under the manager (A4). */
  rmediaSlot?: string;
  /** Reset answers 202 + task monitor (A3). */
  resetAsTask?: boolean;
  /** Boot targets accepted by PATCH although listed, but refused here (S1: Cd lists but does not boot virtual media). */
  bootTargetRefused?: string[];
  /** Synthesise a ServiceRoot (tree has none). */
  synthRoot?: Record<string, unknown>;
  /** Omit Location on session creation (client must use @odata.id). */
  sessionNoLocation?: boolean;
  /** Properties merged into resources at start (e.g. an older firmware version on a Manager). */
  overrides?: Record<string, Record<string, unknown>>;
  /** InsertMedia reads the first bytes of Image with a Range request before accepting (what real BMCs do). */
  fetchImageBytes?: number;
  /** Media slots (Id) that refuse any mount with 400, like CIMC's vKVM-reserved slots (C2). */
  refuseSlots?: string[];
  /** Reset to a state the system is already in answers 409 (D9-style conflict). */
  resetConflictWhenAlready?: boolean;
  /** Hands out weak ETags but matches If-Match only against their strong form. */
  strongEtags?: boolean;
}

const AMI_TPT = { params: ['TransferProtocolType'] };

export const RULES: Record<string, MockRules> = {
  'dell-idrac9': {},
  'dell-idrac10': {
    bootOnlyViaSettings: { status: 400, file: '_errors/Boot-readonly-400.simulated.json' },
    rejectIfMatchOnActions: true,
    synthRoot: { Systems: { '@odata.id': '/redfish/v1/Systems' }, Managers: { '@odata.id': '/redfish/v1/Managers' } },
  },
  'hpe-ilo5': { ejectNeedsJsonObject: true, insertForbidden: ['Inserted', 'WriteProtected'] },
  'hpe-ilo6': { ejectNeedsJsonObject: true, insertForbidden: ['Inserted', 'WriteProtected'], sessionNoLocation: true },
  'lenovo-xcc': { patchNeedsIfMatch: true },
  'lenovo-xcc2': {},
  'supermicro-x10': { bootTargetRefused: ['CD/DVD'] },
  'supermicro-x12': { bootTargetRefused: ['Cd'] },
  'supermicro-x13': { bootTargetRefused: ['Cd'], insertForbidden: ['Inserted', 'WriteProtected'], addEjectAfterInsert: true },
  'ami-megarac-nvidia-dgxh100': {
    bootOnlyViaSettings: { status: 400 },
    insertRequired: [AMI_TPT, { params: ['UserName', 'Password'], file: '_errors/Base.1.12.ActionParameterMissing-UserName-Password.json' }],
    rmediaSlot: 'CD1',
    resetAsTask: true,
  },
  'openbmc-bmcweb': {},
  'openbmc-nvidia-gb200': { bmcwebInsert: true },
  'dmtf-public-rackmount1': {},
};
