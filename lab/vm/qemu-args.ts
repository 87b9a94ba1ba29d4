import type { Accel } from './accel-probe.ts';
import { labInitramfs, labKernel, ovmfCode } from './lab-paths.ts';

export type BootDevice = 'kernel' | 'disk' | 'cdrom' | 'pxe';

export interface LabDisk {
  path: string;
  format?: 'raw' | 'qcow2';
  /** 'ide' is attached to the q35 AHCI controller too (q35 has no legacy IDE). */
  bus?: 'virtio' | 'ahci' | 'ide' | 'nvme';
}

export interface LabVmSpec {
  id: string;
  /** Default 256. */
  memoryMb?: number;
  /** For disk/cdrom/pxe boots; uefi = OVMF with a per-VM copy of the variable store. */
  firmware?: 'bios' | 'uefi';
  disks?: LabDisk[];
  /** ISO path; also changeable at run time (LabVm.insertCdrom / ejectCdrom). */
  cdrom?: string | null;
  /** Default: the lab busybox system from var/lab. */
  kernel?: { vmlinuz: string; initrd: string; append: string };
  /** Boot device when start() is called without one. Default 'kernel'. */
  boot?: BootDevice;
  /** For pxe boots: QEMU user-net TFTP root and boot file name. */
  pxe?: { tftpRoot: string; bootfile: string };
  extraArgs?: string[];
}

export interface QemuArgsContext {
  accel: Accel;
  serialPort: number;
  boot: BootDevice;
  pidfile: string;
  qmpSocket: string;
  /** Per-VM OVMF_VARS copy, when firmware is uefi. */
  ovmfVars?: string;
  serialTelnet?: boolean;
}

/**
 * The kernel command line of the lab system; rb.id becomes the guest hostname.
 * Crypto self-tests (over a second under TCG) and speculation mitigations buy
 * nothing in a throwaway lab guest.
 */
export function labAppend(id: string): string {
  return `console=ttyS0,115200 quiet panic=-1 cryptomgr.notests mitigations=off rb.id=${id}`;
}

/** Device id of the always-present CD drive, for QMP blockdev-change-medium / eject. */
export const CDROM_DEVICE_ID = 'cdrom0';

/**
 * QEMU's command line for one lab machine. Pure: no I/O, so the device
 * layout can be checked without starting anything.
 */
export function buildQemuArgs(spec: LabVmSpec, ctx: QemuArgsContext): string[] {
  const a: string[] = [
    '-name', `rescuebox-lab-${spec.id}`,
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-machine', 'q35',
    '-accel', ctx.accel,
    ...(ctx.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m', String(spec.memoryMb ?? 256),
    '-smp', '1',
    '-pidfile', ctx.pidfile,
    // QEMU dials our unix socket: no polling for a socket file to appear.
    '-chardev', `socket,id=qmp,path=${ctx.qmpSocket}`,
    '-mon', 'chardev=qmp,mode=control',
    '-chardev', `socket,id=ser0,host=127.0.0.1,port=${ctx.serialPort},server=on,wait=off,nodelay=on${ctx.serialTelnet ? ',telnet=on' : ''}`,
    '-serial', 'chardev:ser0',
    '-smbios', `type=1,manufacturer=rescuebox,product=lab,serial=${spec.id}`,
  ];
  if (ctx.boot !== 'kernel' && spec.firmware === 'uefi') {
    if (!ctx.ovmfVars) throw new Error('uefi firmware needs a per-VM OVMF_VARS copy');
    a.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${ovmfCode}`, '-drive', `if=pflash,format=raw,unit=1,file=${ctx.ovmfVars}`);
  }
  if (ctx.boot === 'kernel') {
    const k = spec.kernel ?? { vmlinuz: labKernel, initrd: labInitramfs, append: labAppend(spec.id) };
    a.push('-kernel', k.vmlinuz, '-initrd', k.initrd, '-append', k.append);
  }
  // Boot order through bootindex, which SeaBIOS and OVMF both honour.
  let nextIndex = 2;
  const bootIndex = (primary: boolean) => (primary ? 1 : nextIndex++);

  const cd = spec.cdrom ? `,file=${spec.cdrom},format=raw` : '';
  a.push('-drive', `if=none,id=cd0,media=cdrom,readonly=on${cd}`);
  a.push('-device', `ide-cd,drive=cd0,id=${CDROM_DEVICE_ID},bus=ide.0,bootindex=${bootIndex(ctx.boot === 'cdrom')}`);

  (spec.disks ?? []).forEach((d, i) => {
    a.push('-drive', `if=none,id=disk${i},file=${d.path},format=${d.format ?? 'raw'},cache=unsafe`);
    const bi = bootIndex(ctx.boot === 'disk' && i === 0);
    switch (d.bus ?? 'virtio') {
      case 'virtio':
        a.push('-device', `virtio-blk-pci,drive=disk${i},bootindex=${bi}`);
        break;
      case 'ahci':
      case 'ide':
        a.push('-device', `ide-hd,drive=disk${i},bus=ide.${i + 1},bootindex=${bi}`);
        break;
      case 'nvme':
        a.push('-device', `nvme,drive=disk${i},serial=rb${spec.id}-${i},bootindex=${bi}`);
        break;
    }
  });

  if (ctx.boot === 'pxe' || spec.pxe) {
    const tftp = spec.pxe ? `,tftp=${spec.pxe.tftpRoot},bootfile=${spec.pxe.bootfile}` : '';
    a.push('-netdev', `user,id=net0,restrict=on${tftp}`);
    a.push('-device', `virtio-net-pci,netdev=net0,bootindex=${bootIndex(ctx.boot === 'pxe')}`);
  }
  a.push(...(spec.extraArgs ?? []));
  return a;
}
