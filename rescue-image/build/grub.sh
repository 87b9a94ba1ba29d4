# shellcheck shell=bash
# GRUB images, all made at build time with grub-mkimage (no grub-install on targets):
#   bootx64-iso.efi   EFI core for the ISO's El Torito EFI FAT image: iso9660 and
#                     xzio only; its other modules are xz files on the ISO (iso-efi/)
#   eltorito.img      i386-pc El Torito image for the ISO under legacy BIOS
#   bootx64-disk.efi  EFI image the installer copies to the ESP (prefix /EFI/rescuebox)
#   bios-mbr.bin      boot.img (first 440 bytes) patched to load core from LBA 2048
#   bios-core.img     i386-pc core image for the BIOS boot partition at LBA 2048,
#                     its blocklist patched for that fixed place

GRUB_COMMON="normal configfile test echo linux search search_fs_file regexp loadenv serial terminal cat ls sleep true"
# The ISO's images carry only what iso.cfg uses: no regexp/loadenv/ls/cat.
GRUB_ISO="normal configfile test echo linux search search_fs_file"
# The EFI image sits uncompressed in the ISO's FAT image, so its core holds only
# what reads the rest (iso9660, xzio); GRUB opens xz-compressed modules through
# xzio, as `grub-install --compress=xz` relies on. Saves 0.2 MB of ISO.
GRUB_ISO_EFI_CORE="iso9660 xzio search_fs_file"
# What the EFI core loads from the ISO (the early config finds the ISO with
# search.file and names these on insmod lines).
GRUB_ISO_EFI_MODS="normal test echo linux"
# Fixed LBA of the BIOS boot partition on installed disks (installer/partition.sh uses the same).
RB_BIOS_LBA=2048

le_bytes() { # value, byte count -> printf escape string, little endian
  local v=$1 n=$2 s="" i
  for ((i = 0; i < n; i++)); do s="$s\\x$(printf %02x $(((v >> (8 * i)) & 255)))"; done
  printf '%s' "$s"
}
patch_bytes() { # file, offset, printf-escaped bytes
  # shellcheck disable=SC2059
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# GRUB_ISO_EFI_MODS and what they need beyond GRUB_ISO_EFI_CORE, with their dependencies
# (moddep.lst), each xz-compressed, into directory $1.
iso_efi_modules() {
  local dst=$1 src=/usr/lib/grub/x86_64-efi queue m seen=" " core=" "
  rm -rf "$dst" && mkdir -p "$dst"
  # shellcheck disable=SC2086
  for m in $GRUB_ISO_EFI_CORE; do core="$core$m $(grep "^$m:" "$src/moddep.lst" | cut -d: -f2) "; done
  read -r -a queue <<<"$GRUB_ISO_EFI_MODS"
  while [ ${#queue[@]} -gt 0 ]; do
    m=${queue[0]}; queue=("${queue[@]:1}")
    case "$seen$core" in *" $m "*) continue ;; esac
    seen="$seen$m "
    [ -f "$src/$m.mod" ] || die "GRUB module not found: $src/$m.mod"
    # GRUB's xz decoder checks CRC32; a small dictionary keeps its allocation small.
    xz --check=crc32 --lzma2=preset=9e,dict=1MiB -c "$src/$m.mod" >"$dst/$m.mod"
    # shellcheck disable=SC2207
    queue+=($(grep "^$m:" "$src/moddep.lst" | cut -d: -f2))
  done
}

build_grub() {
  local g="$work/grub"
  mkdir -p "$g"
  cat >"$g/early-iso.cfg" <<'CFG'
search --no-floppy --set=root --file /rescuebox.id
set prefix=($root)/boot/grub
CFG
  # Modules are named on insmod lines: normal mode has no command.lst to autoload from.
  cat >"$g/early-iso-efi.cfg" <<'CFG'
search.file /rescuebox.id root
set prefix=($root)/boot/grub
insmod normal
insmod test
insmod echo
insmod linux
CFG
  # shellcheck disable=SC2086
  grub-mkimage -O x86_64-efi -o "$g/bootx64-iso.efi" -p /boot/grub -c "$g/early-iso-efi.cfg" \
    $GRUB_ISO_EFI_CORE
  iso_efi_modules "$g/iso-efi"
  # shellcheck disable=SC2086
  grub-mkimage -O i386-pc-eltorito -o "$g/eltorito.img" -p /boot/grub \
    biosdisk iso9660 serial terminal $GRUB_ISO
  # shellcheck disable=SC2086
  grub-mkimage -O x86_64-efi -o "$g/bootx64-disk.efi" -p /EFI/rescuebox \
    part_gpt fat squash4 xzio $GRUB_COMMON
  # `(,gpt1)`: partition 1 (the ESP) of the disk the BIOS booted from.
  # shellcheck disable=SC2086
  grub-mkimage -O i386-pc -o "$g/bios-core.img" -p '(,gpt1)/EFI/rescuebox' \
    biosdisk part_gpt fat squash4 xzio $GRUB_COMMON
  local sectors
  sectors=$((($(size_of "$g/bios-core.img") + 511) / 512))
  [ "$sectors" -le 2048 ] || die "BIOS core image too big: $sectors sectors"
  # diskboot.img (first sector of core.img) ends with a blocklist {u64 start, u16 len, u16 segment}
  patch_bytes "$g/bios-core.img" $((0x1f4)) "$(le_bytes $((RB_BIOS_LBA + 1)) 8)$(le_bytes $((sectors - 1)) 2)"
  # boot.img: LBA of core.img at 0x5c; NOP the drive check at 0x66 (hard disk: trust DL)
  cp /usr/lib/grub/i386-pc/boot.img "$g/bios-mbr.bin"
  patch_bytes "$g/bios-mbr.bin" $((0x5c)) "$(le_bytes $RB_BIOS_LBA 8)"
  patch_bytes "$g/bios-mbr.bin" $((0x66)) '\x90\x90'
  truncate -s 440 "$g/bios-mbr.bin"
  log "grub: efi-disk $(size_of "$g/bootx64-disk.efi"), efi-iso $(size_of "$g/bootx64-iso.efi"), bios-core $(size_of "$g/bios-core.img") bytes"
}
