# shellcheck shell=bash
# The hybrid ISO: El Torito BIOS (GRUB i386-pc) + El Torito EFI (FAT image with
# a standalone GRUB EFI), GPT/MBR hybrid so it also boots written to a USB stick.
build_iso() {
  local iso=$1 d="$work/iso" g="$work/grub"
  rm -rf "$d" && mkdir -p "$d/boot/grub"
  cp "$kdir/vmlinuz" "$d/boot/vmlinuz"
  cp "$work/initrd-rescue.img" "$d/boot/initrd.img"
  cp "$here/grub/iso.cfg" "$d/boot/grub/grub.cfg"
  cp "$g/eltorito.img" "$d/boot/grub/eltorito.img"
  cp -r "$g/iso-efi" "$d/boot/grub/x86_64-efi"
  echo "rescuebox rescue ISO, kernel $KVER" >"$d/rescuebox.id"
  # EFI El Torito image: FAT12 holding only BOOTX64.EFI.
  local efi="$work/efi.img" kb
  # FAT12 with 512-byte clusters and a one-sector root directory: boot sector,
  # two FATs, root, EFI and BOOT directories fit in 8 KiB next to the binary.
  kb=$((($(size_of "$g/bootx64-iso.efi") + 1023) / 1024 + 8))
  rm -f "$efi"
  mkfs.fat -C -n RBEFI -i 52425345 --invariant -s 1 -r 16 "$efi" "$kb" >/dev/null
  fix_mtimes "$d"
  MTOOLS_SKIP_CHECK=1 mmd -i "$efi" ::/EFI ::/EFI/BOOT
  cp "$g/bootx64-iso.efi" "$work/BOOTX64.EFI" && touch -d "@$SOURCE_DATE_EPOCH" "$work/BOOTX64.EFI"
  MTOOLS_SKIP_CHECK=1 mcopy -m -i "$efi" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
  rm -f "$iso"
  xorriso -as mkisofs -quiet -iso-level 3 -full-iso9660-filenames -rational-rock \
    -volid RESCUEBOX -no-pad \
    --grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img \
    -partition_offset 16 --mbr-force-bootable \
    -append_partition 2 0xef "$efi" -appended_part_as_gpt \
    -c boot/grub/boot.cat \
    -b boot/grub/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
    -eltorito-alt-boot -e --interval:appended_partition_2:all:: -no-emul-boot \
    -o "$iso" "$d" || die "xorriso failed"
  [ -s "$iso" ] || die "xorriso failed"
  log "iso: $iso ($(size_of "$iso") bytes)"
}
