import type { BootOverride, LabMachine } from '../machine.ts';

/**
 * The Redfish resource bodies the lab BMC serves, derived from the machine's
 * live state on every GET (nothing cached, so IPMI and Redfish always agree).
 */
export const ROOT = '/redfish/v1';
export const SYSTEM = `${ROOT}/Systems/1`;
export const MANAGER = `${ROOT}/Managers/1`;
export const CD = `${MANAGER}/VirtualMedia/CD`;

export const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart', 'PowerCycle', 'Nmi', 'PushPowerButton'] as const;
export type ResetType = (typeof RESET_TYPES)[number];

/** Redfish BootSourceOverrideTarget <-> the machine's boot device. */
export const BOOT_TARGETS = { None: 'none', Pxe: 'pxe', Hdd: 'disk', Cd: 'cdrom', BiosSetup: 'bios' } as const;
export type BootTarget = keyof typeof BOOT_TARGETS;

export function bootTargetOf(o: BootOverride): BootTarget {
  const hit = (Object.keys(BOOT_TARGETS) as BootTarget[]).find((k) => BOOT_TARGETS[k] === o.device);
  return hit ?? 'None';
}

export function serviceRoot(uuid: string) {
  return {
    '@odata.id': `${ROOT}/`,
    '@odata.type': '#ServiceRoot.v1_5_0.ServiceRoot',
    Id: 'RootService',
    Name: 'rescuebox lab BMC',
    RedfishVersion: '1.11.0',
    UUID: uuid,
    Systems: { '@odata.id': `${ROOT}/Systems` },
    Managers: { '@odata.id': `${ROOT}/Managers` },
    SessionService: { '@odata.id': `${ROOT}/SessionService` },
    Links: { Sessions: { '@odata.id': `${ROOT}/SessionService/Sessions` } },
  };
}

export function collection(path: string, type: string, members: string[]) {
  return {
    '@odata.id': path,
    '@odata.type': `#${type}Collection.${type}Collection`,
    Name: `${type} Collection`,
    Members: members.map((m) => ({ '@odata.id': m })),
    'Members@odata.count': members.length,
  };
}

export function system(machine: LabMachine) {
  const o = machine.getBootOverride();
  return {
    '@odata.id': SYSTEM,
    '@odata.type': '#ComputerSystem.v1_13_0.ComputerSystem',
    Id: '1',
    Name: machine.name,
    SystemType: 'Virtual',
    Manufacturer: 'rescuebox lab',
    Model: 'QEMU',
    PowerState: machine.power === 'on' ? 'On' : 'Off',
    Status: { State: 'Enabled', Health: 'OK' },
    Boot: {
      BootSourceOverrideEnabled: o.device === 'none' ? 'Disabled' : o.persistent ? 'Continuous' : 'Once',
      BootSourceOverrideTarget: bootTargetOf(o),
      'BootSourceOverrideTarget@Redfish.AllowableValues': Object.keys(BOOT_TARGETS),
      BootSourceOverrideMode: o.efi ? 'UEFI' : 'Legacy',
    },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${SYSTEM}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': [...RESET_TYPES],
      },
    },
    Links: { ManagedBy: [{ '@odata.id': MANAGER }] },
  };
}

export function manager() {
  return {
    '@odata.id': MANAGER,
    '@odata.type': '#Manager.v1_10_0.Manager',
    Id: '1',
    Name: 'rescuebox lab BMC',
    ManagerType: 'BMC',
    Status: { State: 'Enabled', Health: 'OK' },
    VirtualMedia: { '@odata.id': `${MANAGER}/VirtualMedia` },
    Links: { ManagerForServers: [{ '@odata.id': SYSTEM }] },
  };
}

export interface MediaSlotState {
  image: string | null;
  inserted: boolean;
  writeProtected: boolean;
}

export function cdSlot(s: MediaSlotState) {
  return {
    '@odata.id': CD,
    '@odata.type': '#VirtualMedia.v1_3_0.VirtualMedia',
    Id: 'CD',
    Name: 'Virtual CD',
    MediaTypes: ['CD', 'DVD'],
    Image: s.image,
    ImageName: s.image ? decodeURIComponent(s.image.split('/').pop() ?? '') : null,
    Inserted: s.inserted,
    WriteProtected: s.writeProtected,
    ConnectedVia: s.inserted ? 'URI' : 'NotConnected',
    TransferProtocolType: s.image ? (s.image.startsWith('https:') ? 'HTTPS' : 'HTTP') : null,
    TransferMethod: 'Stream',
    Actions: {
      '#VirtualMedia.InsertMedia': { target: `${CD}/Actions/VirtualMedia.InsertMedia` },
      '#VirtualMedia.EjectMedia': { target: `${CD}/Actions/VirtualMedia.EjectMedia` },
    },
  };
}

export function sessionService() {
  return {
    '@odata.id': `${ROOT}/SessionService`,
    '@odata.type': '#SessionService.v1_1_8.SessionService',
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: 1800,
    Sessions: { '@odata.id': `${ROOT}/SessionService/Sessions` },
  };
}

export function redfishError(code: string, message: string) {
  return { error: { code: `Base.1.8.${code}`, message, '@Message.ExtendedInfo': [{ MessageId: `Base.1.8.${code}`, Message: message }] } };
}
