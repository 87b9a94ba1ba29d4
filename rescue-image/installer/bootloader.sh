# shellcheck shell=sh
# Bootloader for both firmwares, from files prepared at build time:
#   legacy BIOS: boot.img (440 bytes) in the MBR, core image in the BIOS boot
#   partition at LBA 2048; UEFI: GRUB in the removable-media path
#   \EFI\BOOT\BOOTX64.EFI and \EFI\rescuebox\grubx64.efi, plus an efibootmgr
#   entry when running under UEFI with efibootmgr available.
boot_install() { # disk
  d=$1
  dd if=/rb/boot/bios-mbr.bin of="/dev/$d" bs=440 count=1 conv=notrunc,fsync 2>/dev/null || return 1
  dd if=/rb/boot/bios-core.img of="/dev/$d" bs=512 seek=2048 conv=notrunc,fsync 2>/dev/null || return 1
  mkdir -p /tmp/rb-esp/EFI/BOOT /tmp/rb-esp/EFI/rescuebox
  cp /rb/boot/BOOTX64.EFI /tmp/rb-esp/EFI/BOOT/BOOTX64.EFI
  cp /rb/boot/BOOTX64.EFI /tmp/rb-esp/EFI/rescuebox/grubx64.efi
  cp /rb/boot/grub.cfg /tmp/rb-esp/EFI/rescuebox/grub.cfg
  if [ -d /sys/firmware/efi ] && command -v efibootmgr >/dev/null 2>&1; then
    efibootmgr -q -c -d "/dev/$d" -p 1 -L rescuebox -l '\EFI\rescuebox\grubx64.efi' ||
      say "efibootmgr failed; the removable-media path still boots"
  fi
}
