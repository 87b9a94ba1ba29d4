# shellcheck shell=sh
# Bootloader for both firmwares, from the GRUB files the system image carries
# in /boot/rescuebox/ (image.sh copies them out to $RB_BOOT_DIR):
#   legacy BIOS: bios-mbr.bin (440 bytes) in the MBR, bios-core.img in the BIOS
#   boot partition at LBA 2048; UEFI: BOOTX64.EFI in the removable-media path
#   \EFI\BOOT\ and as \EFI\rescuebox\grubx64.efi, the installer's grub.cfg next
#   to it, plus the firmware boot entry "rescuebox" under UEFI (efiboot.sh).
boot_install() { # disk
  d=$1 b=$RB_BOOT_DIR
  dd if="$b/bios-mbr.bin" of="/dev/$d" bs=440 count=1 conv=notrunc,fsync 2>/dev/null || return 1
  dd if="$b/bios-core.img" of="/dev/$d" bs=512 seek=2048 conv=notrunc,fsync 2>/dev/null || return 1
  mkdir -p /tmp/rb-esp/EFI/BOOT /tmp/rb-esp/EFI/rescuebox
  cp "$b/BOOTX64.EFI" /tmp/rb-esp/EFI/BOOT/BOOTX64.EFI
  cp "$b/BOOTX64.EFI" /tmp/rb-esp/EFI/rescuebox/grubx64.efi
  cp /rb/boot/grub.cfg /tmp/rb-esp/EFI/rescuebox/grub.cfg
  sync
  efiboot_register "$d"
}
