# shellcheck shell=bash
# Helpers shared by the build steps (sourced by build.sh).

# Sets every mtime below $1 to SOURCE_DATE_EPOCH.
fix_mtimes() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# Sorted, owner-neutral newc cpio of directory $1, compressed into $2 with
# $3: xz (smaller: the ISO) or zstd (faster to unpack: installed systems).
# xz: two concatenated archives (the kernel unpacks them in order): everything
# but the executables and shared libraries, then those with the x86 BCJ filter
# (smaller for linked code; kernel modules are relocatable and do better without).
make_cpio() {
  fix_mtimes "$1"
  if [ "${3:-zstd}" != xz ]; then
    (cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0 --reproducible) |
      zstd -q -19 -T2 >"$2"
    return
  fi
  local all="$work/cpio-all.lst" elf="$work/cpio-elf.lst" f
  (cd "$1" && find . | LC_ALL=C sort) >"$all"
  : >"$elf"
  while IFS= read -r f; do
    case "$f" in *.ko) continue ;; esac
    [ -f "$1/$f" ] && [ ! -L "$1/$f" ] && [ "$(head -c 4 "$1/$f" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] && echo "$f" >>"$elf"
  done <"$all"
  {
    (cd "$1" && grep -vxF -f "$elf" "$all" | cpio -o -H newc --quiet -R 0:0 --reproducible) | xz -9e --check=crc32 -T1
    (cd "$1" && cpio -o -H newc --quiet -R 0:0 --reproducible <"$elf") | xz --x86 --lzma2=preset=9e --check=crc32 -T1
  } >"$2"
}

# busybox with one link per applet (never over the busybox binary itself).
install_busybox() {
  local r=$1 bb
  bb=$(command -v busybox)
  mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/sbin"
  cp "$bb" "$r/bin/busybox"
  for a in $("$bb" --list); do
    case "$a" in busybox) continue ;; esac
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
}

# Copies a dynamically linked binary and its libraries into root $1.
install_elf() {
  local r=$1 bin=$2 dest=${3:-$2} lib
  mkdir -p "$r$(dirname "$dest")"
  cp -L "$bin" "$r$dest"
  for lib in $(ldd "$bin" | awk '/=>/ {print $3} /ld-linux/ && !/=>/ {print $1}'); do
    [ -e "$r$lib" ] && continue
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
  done
}

size_of() { stat -c %s "$1"; }

size_report() {
  local f
  log "size report (bytes):"
  for f in "$out/rescuebox-rescue.iso" "$out/vmlinuz" "$out/initrd-rescue.img" "$work/efi.img" "$work/grub/eltorito.img" \
    "$work/grub/bootx64-iso.efi" "$work/grub/bootx64-disk.efi" "$work/initrd-boot.img" "$out"/system-*.img; do
    printf '[rescue]   %-28s %10d\n' "$(basename "$f")" "$(size_of "$f")"
  done
  local mods
  mods=$(cat "$work/grub/iso-efi"/*.mod | wc -c)
  printf '[rescue]   %-28s %10d\n' "GRUB EFI modules (xz)" "$mods"
  # what the ISO holds besides its kernel, initramfs, the two boot images and the modules
  printf '[rescue]   %-28s %10d\n' "ISO overhead" "$(($(size_of "$out/rescuebox-rescue.iso") - $(size_of "$out/vmlinuz") -
    $(size_of "$out/initrd-rescue.img") - $(size_of "$work/efi.img") - $(size_of "$work/grub/eltorito.img") - mods))"
  printf '[rescue]   %-28s %10d\n' "installer (rb/*.sh)" "$(cat "$here"/installer/*.sh | wc -c)"
}
