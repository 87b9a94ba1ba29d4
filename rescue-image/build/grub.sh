# shellcheck shell=bash
# GRUB images, all made at build time with grub-mkimage (no grub-install on targets):
#   bootx64-iso.efi   standalone EFI image for the ISO's El Torito EFI FAT image
#   eltorito.img      i386-pc El Torito image for the ISO under legacy BIOS
#   bootx64-disk.efi  EFI image the installer copies to the ESP (prefix /EFI/rescuebox)
#   bios-mbr.bin      boot.img (first 440 bytes) patched to load core from LBA 2048
#   bios-core.img     i386-pc core image for the BIOS boot partition at LBA 2048,
#                     its blocklist patched for that fixed place

GRUB_COMMON="normal configfile test echo linux search search_fs_file regexp loadenv serial terminal cat ls sleep true"
# The ISO's images carry only what iso.cfg uses (the EFI one is stored uncompressed
# in the ISO's FAT image, so every module is ISO size): no regexp/loadenv/ls/cat.
GRUB_ISO="normal configfile test echo linux search search_fs_file"
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

build_grub() {
  local g="$work/grub"
  mkdir -p "$g"
  cat >"$g/early-iso.cfg" <<'CFG'
search --no-floppy --set=root --file /rescuebox.id
set prefix=($root)/boot/grub
CFG
  # shellcheck disable=SC2086
  grub-mkimage -O x86_64-efi -o "$g/bootx64-iso.efi" -p /boot/grub -c "$g/early-iso.cfg" \
    iso9660 $GRUB_ISO
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
