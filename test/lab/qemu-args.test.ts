import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildQemuArgs, type QemuArgsContext } from '../../lab/vm/qemu-args.ts';
import { chooseAccel } from '../../lab/vm/accel-probe.ts';
import { labInitramfs, labKernel, ovmfCode } from '../../lab/vm/lab-paths.ts';

const ctx: QemuArgsContext = { accel: 'tcg', serialPort: 4555, boot: 'kernel', pidfile: '/s/qemu.pid', qmpSocket: '/s/qmp.sock' };
const after = (args: string[], flag: string) => args.filter((_, i) => args[i - 1] === flag);

test('kernel boot: the lab system, serial as a loopback TCP server, QMP dialling our socket', () => {
  const a = buildQemuArgs({ id: 'lab-1' }, ctx);
  assert.deepEqual(after(a, '-kernel'), [labKernel]);
  assert.deepEqual(after(a, '-initrd'), [labInitramfs]);
  assert.match(after(a, '-append')[0] ?? '', /console=ttyS0,115200 .*rb\.id=lab-1/);
  assert.ok(after(a, '-chardev').includes('socket,id=ser0,host=127.0.0.1,port=4555,server=on,wait=off,nodelay=on'));
  assert.ok(after(a, '-chardev').includes('socket,id=qmp,path=/s/qmp.sock'));
  assert.deepEqual(after(a, '-pidfile'), ['/s/qemu.pid']);
  assert.deepEqual(after(a, '-m'), ['256']);
  assert.ok(!a.includes('pflash') && !after(a, '-drive').some((d) => d.includes('pflash')), 'no firmware flash for kernel boots');
});

test('cdrom boot with uefi: OVMF code + per-VM vars, the CD first, disks after', () => {
  const a = buildQemuArgs(
    { id: 'm', firmware: 'uefi', cdrom: '/iso/rescue.iso', disks: [{ path: '/d/a.img' }, { path: '/d/b.qcow2', format: 'qcow2', bus: 'nvme' }] },
    { ...ctx, boot: 'cdrom', ovmfVars: '/s/vars.fd' },
  );
  const drives = after(a, '-drive');
  assert.ok(drives.includes(`if=pflash,format=raw,unit=0,readonly=on,file=${ovmfCode}`));
  assert.ok(drives.includes('if=pflash,format=raw,unit=1,file=/s/vars.fd'));
  assert.ok(drives.some((d) => d.includes('media=cdrom') && d.includes('file=/iso/rescue.iso')));
  const devices = after(a, '-device');
  assert.ok(devices.some((d) => d.startsWith('ide-cd,') && d.endsWith('bootindex=1')));
  assert.ok(devices.some((d) => d.startsWith('virtio-blk-pci,drive=disk0') && d.endsWith('bootindex=2')));
  assert.ok(devices.some((d) => d.startsWith('nvme,drive=disk1') && d.endsWith('bootindex=3')));
  assert.ok(drives.some((d) => d.includes('file=/d/b.qcow2,format=qcow2')));
  assert.ok(!a.includes('-kernel'));
  assert.throws(() => buildQemuArgs({ id: 'm', firmware: 'uefi' }, { ...ctx, boot: 'disk' }), /OVMF_VARS/);
});

test('pxe boot: a user-net NIC first in the boot order; kvm adds -cpu host', () => {
  const a = buildQemuArgs({ id: 'm', pxe: { tftpRoot: '/tftp', bootfile: 'ipxe.efi' } }, { ...ctx, boot: 'pxe', accel: 'kvm' });
  assert.ok(after(a, '-netdev').includes('user,id=net0,restrict=on,tftp=/tftp,bootfile=ipxe.efi'));
  assert.ok(after(a, '-device').includes('virtio-net-pci,netdev=net0,bootindex=1'));
  assert.deepEqual(after(a, '-cpu'), ['host']);
});

test('RESCUEBOX_ACCEL overrides the probe', async () => {
  assert.equal((await chooseAccel({ RESCUEBOX_ACCEL: 'tcg' })).accel, 'tcg');
  assert.equal((await chooseAccel({ RESCUEBOX_ACCEL: 'kvm' })).accel, 'kvm');
});
