#!/usr/bin/env bash
# Builds the rescue ISO, the demo system images and their manifests into
# rescue-image/dist/ from Debian packages only (see docs/rescue-image.md).
#   bash rescue-image/build.sh            (npm run build:rescue)
# Environment:
#   SOURCE_DATE_EPOCH     timestamp stamped on every file (default 1704067200)
#   RB_EXTRA_MODULES      extra kernel modules for the rescue initramfs,
#                         e.g. "megaraid_sas mpt3sas ixgbe i40e mlx5_core"
#   RB_OUT                output directory (default rescue-image/dist)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
kdir="$root/var/cache/debian-kernel"
out=${RB_OUT:-$here/dist}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export TZ=UTC LC_ALL=C
t0=$(date +%s.%N)
log() { printf '[rescue] %s\n' "$*"; }
die() { printf '[rescue] error: %s\n' "$*" >&2; exit 1; }

[ -f "$kdir/vmlinuz" ] && [ -d "$kdir/modules" ] || die "no kernel in $kdir (run scripts/fetch-debian-kernel.sh)"
for t in busybox e2fsck.static strip mksquashfs grub-mkimage xorriso mkfs.fat mcopy mmd mke2fs cpio zstd xz depmod openssl; do
  command -v "$t" >/dev/null || die "missing tool: $t (see scripts/apt-packages.txt)"
done
KVER=$(cat "$kdir/version")
work=$(mktemp -d "${TMPDIR:-/tmp}/rb-build.XXXXXX")
[ -n "${RB_KEEP_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

. "$here/build/lib.sh"
. "$here/build/initramfs.sh"
. "$here/build/grub.sh"
. "$here/build/system.sh"
. "$here/build/iso.sh"

build_grub                      # -> $work/grub/{bootx64-iso.efi,bootx64-disk.efi,eltorito.img,bios-mbr.bin,bios-core.img}
build_initramfs boot   "$work/initrd-boot.img"
build_initramfs rescue "$work/initrd-rescue.img"
build_system 1 good  4 system-v1
build_system 2 good  4 system-v2
build_system 0 broken 1 system-broken
build_system 4 hang 1 system-hang
build_system 3 good 50 system-big
build_iso "$out/rescuebox-rescue.iso"
cp "$here/answers.example" "$out/answers.example"
cp "$work/initrd-rescue.img" "$out/initrd-rescue.img"
cp "$kdir/vmlinuz" "$out/vmlinuz"
(cd "$out" && sha256sum rescuebox-rescue.iso system-*.img > SHA256SUMS)

size_report
log "done in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
