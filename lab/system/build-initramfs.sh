#!/usr/bin/env bash
# Builds the lab machine's system: a busybox-static initramfs (zstd cpio) with
# a shell on ttyS0, plus a link to the unpacked Debian kernel.
#   usage: build-initramfs.sh [OUT_DIR]   (default var/lab)
# Skips when var/lab/initramfs.img is newer than every input.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/lab/system"
out=${1:-$root/var/lab}
kdir="$root/var/cache/debian-kernel"
busybox=/bin/busybox
[ -x "$busybox" ] || busybox=/usr/bin/busybox
img="$out/initramfs.img"

[ -f "$kdir/vmlinuz" ] || { echo "[lab] no kernel in $kdir (run scripts/fetch-debian-kernel.sh)" >&2; exit 1; }
mkdir -p "$out"
ln -sf "$(realpath --relative-to="$out" "$kdir/vmlinuz")" "$out/vmlinuz"

# The uncompressed ELF kernel boots through QEMU's PVH entry: under TCG the
# bzImage's own decompressor costs seconds, doing it once here costs one.
vmlinux="$out/vmlinux"
if [ ! -f "$vmlinux" ] || [ "$kdir/vmlinuz" -nt "$vmlinux" ]; then
  hex=$(od -An -v -tx1 "$kdir/vmlinuz" | tr -d ' \n')
  for magic in "fd377a585a00:xz -dc --single-stream" "28b52ffd:zstd -dc" "1f8b0800:gzip -dc"; do
    at=$(grep -ob "${magic%%:*}" <<<"$hex" | head -1 | cut -d: -f1)
    [ -n "$at" ] && [ $((at % 2)) -eq 0 ] || continue
    if tail -c +$((at / 2 + 1)) "$kdir/vmlinuz" | ${magic#*:} > "$vmlinux.tmp" 2>/dev/null || [ -s "$vmlinux.tmp" ]; then
      if head -c 4 "$vmlinux.tmp" | grep -q ELF; then mv "$vmlinux.tmp" "$vmlinux"; break; fi
    fi
  done
  rm -f "$vmlinux.tmp"
  [ -f "$vmlinux" ] && echo "[lab] extracted $vmlinux" || echo "[lab] could not extract vmlinux; lab boots the bzImage (slower)" >&2
fi

if [ -f "$img" ] && [ -z "$(find "$here" "$kdir/version" "$busybox" -newer "$img" -print -quit)" ]; then
  echo "[lab] initramfs up to date: $img"
  exit 0
fi

kver=$(cat "$kdir/version")
mods="$kdir/modules"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
r="$work/root"
mkdir -p "$r"/{bin,sbin,etc/acpi/PWRF,proc,sys,dev,tmp,root,run,mnt,lib/modules,var/log}
cp "$busybox" "$r/bin/busybox"
# Only the applets the lab needs are linked; `busybox <applet>` reaches the rest.
for a in $("$busybox" --list); do
  case "$a" in busybox) continue ;; esac
  ln -sf busybox "$r/bin/$a"
done
ln -sf ../bin/busybox "$r/sbin/init"
ln -sf bin/busybox "$r/init"

# Kernel modules the lab loads: the ACPI power button (acpid reads it through evdev)
# at boot, the disk/cdrom drivers on demand via /sbin/lab-load-disks.
# Order matters for busybox insmod (no modules.dep): dependencies first.
want_boot="button evdev"
want_disks="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"
add_mod() {
  local name=$1 f
  f=$(find "$mods/kernel" -name "$name.ko*" -print -quit)
  [ -n "$f" ] || { grep -q "/$name.ko" "$mods/modules.builtin" && return 0; echo "[lab] module $name missing" >&2; exit 1; }
  case "$f" in
    *.xz) xz -dc "$f" > "$r/lib/modules/$name.ko" ;;
    *.zst) zstd -qdc "$f" > "$r/lib/modules/$name.ko" ;;
    *) cp "$f" "$r/lib/modules/$name.ko" ;;
  esac
}
for m in $want_boot $want_disks; do add_mod "$m"; done
echo "$want_boot" > "$r/etc/modules-boot"
echo "$want_disks" > "$r/etc/modules-disks"

install -m 0755 "$here/rootfs/rcS" "$r/etc/rcS"
install -m 0644 "$here/rootfs/inittab" "$r/etc/inittab"
install -m 0644 "$here/rootfs/profile" "$r/etc/profile"
install -m 0755 "$here/rootfs/power-off" "$r/etc/acpi/PWRF/00000080"
install -m 0755 "$here/rootfs/lab-load-disks" "$r/sbin/lab-load-disks"
printf 'PWRF PWRF/00000080\n' > "$r/etc/acpid.conf"
echo "root:x:0:0:root:/root:/bin/sh" > "$r/etc/passwd"
echo "root:x:0:" > "$r/etc/group"
echo "$kver" > "$r/etc/lab-kernel"

(cd "$r" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) | zstd -q -19 -T0 > "$img.tmp"
mv "$img.tmp" "$img"
echo "[lab] built $img ($(stat -c %s "$img") bytes, kernel $kver)"
