#!/usr/bin/env bash
# Unpacks Debian's linux-image-amd64 kernel and modules into var/cache/debian-kernel
# without installing it on the host (apt-get download + dpkg -x). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=var/cache/debian-kernel
if [ -f "$dest/vmlinuz" ] && [ -d "$dest/modules" ]; then
  echo "[kernel] present: $(cat "$dest/version")"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# linux-image-amd64 is a meta package: resolve the real image package it depends on.
real=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
[ -n "$real" ] || { echo "[kernel] cannot resolve linux-image-amd64 (run apt-get update)" >&2; exit 1; }
apt-get download "$real" >/dev/null
dpkg -x ./*.deb root
ver=$(ls root/lib/modules | head -1)
cd - >/dev/null
rm -rf "$dest" && mkdir -p "$dest"
cp "$work/root/boot/vmlinuz-$ver" "$dest/vmlinuz"
mv "$work/root/lib/modules/$ver" "$dest/modules"
echo "$ver" > "$dest/version"
echo "[kernel] unpacked $real ($ver) into $dest"
