#!/usr/bin/env bash
# Rescue ISO + demo system images into rescue-image/dist/. Idempotent: skipped
# when a stamp (hash of the build sources, the kernel version and the tool
# versions) matches the last successful build and the outputs exist.
set -euo pipefail
cd "$(dirname "$0")/../.."
dist=rescue-image/dist
stamp="$dist/.stamp"
want=$(
  {
    find rescue-image -path rescue-image/dist -prune -o -path rescue-image/work -prune -o -type f -print |
      LC_ALL=C sort | xargs sha256sum
    cat var/cache/debian-kernel/version
    echo "${RB_EXTRA_MODULES:-} ${SOURCE_DATE_EPOCH:-}"
    dpkg-query -W busybox-static squashfs-tools grub-efi-amd64-bin grub-pc-bin xorriso mtools dosfstools e2fsprogs e2fsck-static binutils xz-utils 2>/dev/null || true
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dist/rescuebox-rescue.iso" ]; then
  echo "[rescue] up to date: $dist/rescuebox-rescue.iso"
  exit 0
fi
rm -f "$stamp"
bash rescue-image/build.sh
echo "$want" >"$stamp"
