import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the lab's built artefacts live (scripts/build.d/10-lab.sh writes them). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const labDir = join(repoRoot, 'var/lab');
/** The bzImage as Debian ships it (var/lab/vmlinuz links to it). */
export const labVmlinuz = join(labDir, 'vmlinuz');
/** What lab VMs boot: the uncompressed ELF via PVH when built (seconds faster under TCG), else the bzImage. */
export const labKernel = existsSync(join(labDir, 'vmlinux')) ? join(labDir, 'vmlinux') : labVmlinuz;
export const labInitramfs = join(labDir, 'initramfs.img');
export const accelCacheFile = join(repoRoot, 'var/cache/accel.json');
export const qemuBinary = 'qemu-system-x86_64';
/** Printed by the lab system's init once the shell is about to start. */
export const labReadyMarker = 'rescuebox-lab ready';
export const ovmfCode = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const ovmfVarsTemplate = '/usr/share/OVMF/OVMF_VARS_4M.fd';
