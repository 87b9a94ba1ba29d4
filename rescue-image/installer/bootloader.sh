# shellcheck shell=sh
# Bootloader for both firmwares, from files prepared at build time:
#   legacy BIOS: boot.img (440 bytes) in the MBR, core image in the BIOS boot
#   partition at LBA 2048; UEFI: GRUB in the removable-media path
#   \EFI\BOOT\BOOTX64.EFI and \EFI\rescuebox\grubx64.efi, plus a firmware
#   boot entry "rescuebox" (efibootmgr) when running under UEFI; see efiboot_register.
boot_install() { # disk
  d=$1
  dd if=/rb/boot/bios-mbr.bin of="/dev/$d" bs=440 count=1 conv=notrunc,fsync 2>/dev/null || return 1
  dd if=/rb/boot/bios-core.img of="/dev/$d" bs=512 seek=2048 conv=notrunc,fsync 2>/dev/null || return 1
  mkdir -p /tmp/rb-esp/EFI/BOOT /tmp/rb-esp/EFI/rescuebox
  cp /rb/boot/BOOTX64.EFI /tmp/rb-esp/EFI/BOOT/BOOTX64.EFI
  cp /rb/boot/BOOTX64.EFI /tmp/rb-esp/EFI/rescuebox/grubx64.efi
  cp /rb/boot/grub.cfg /tmp/rb-esp/EFI/rescuebox/grub.cfg
  sync
  efiboot_register "$d"
}

# Boot entry numbers (XXXX) whose label is exactly $1, from `efibootmgr` output.
efiboot_entries() {
  efibootmgr 2>/dev/null | awk -v l="$1" -F '\t' '
    { split($1, w, " "); n = w[1]; sub(/^Boot/, "", n); sub(/\*$/, "", n)
      lab = $1; sub(/^[^ ]* +/, "", lab); sub(/ +$/, "", lab)
      if (w[1] ~ /^Boot[0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f]\*?$/ && lab == l) print n }'
}

# UEFI only: (re)creates the firmware boot entry "rescuebox" -> \EFI\BOOT\BOOTX64.EFI
# on partition 1 (ESP) of disk $1, first in BootOrder. Entries with the same label
# are deleted first, so there is never more than one. Never fails the install
# (the removable-media path boots without it): prints one line,
#   RB-STEP efiboot ok entry=BootXXXX   or   RB-STEP efiboot skip reason=<why>
efiboot_register() { # disk
  d=$1
  [ -d /sys/firmware/efi ] || { rb_step efiboot skip reason=no-uefi; return 0; }
  command -v efibootmgr >/dev/null 2>&1 || { rb_step efiboot skip reason=no-efibootmgr; return 0; }
  if ! grep -q ' /sys/firmware/efi/efivars efivarfs ' /proc/mounts; then
    modprobe efivarfs 2>/dev/null
    mount -t efivarfs efivarfs /sys/firmware/efi/efivars 2>/dev/null ||
      { rb_step efiboot skip reason=no-efivars; return 0; }
  fi
  grep -q ' /sys/firmware/efi/efivars efivarfs rw' /proc/mounts || { rb_step efiboot skip reason=efivars-ro; return 0; }
  for rb_eb_n in $(efiboot_entries rescuebox); do
    efibootmgr -q -b "$rb_eb_n" -B >/dev/null 2>&1 || { rb_step efiboot skip reason=delete-failed entry="Boot$rb_eb_n"; return 0; }
  done
  efibootmgr -q -c -d "/dev/$d" -p 1 -L rescuebox -l '\EFI\BOOT\BOOTX64.EFI' >/tmp/rb-efiboot.log 2>&1 ||
    { sed 's/^/rescuebox: efibootmgr: /' /tmp/rb-efiboot.log; rb_step efiboot skip reason=create-failed; return 0; }
  rb_eb_n=$(efiboot_entries rescuebox)
  case "$rb_eb_n" in ????) ;; *) rb_step efiboot skip reason=not-found; return 0 ;; esac
  rb_eb_order=$(efibootmgr 2>/dev/null | sed -n 's/^BootOrder: *//p')
  case "$rb_eb_order" in
    "$rb_eb_n" | "$rb_eb_n",*) ;;
    *) rb_eb_rest=$(echo "$rb_eb_order" | tr ',' '\n' | grep -v -x -i "$rb_eb_n" | tr '\n' ',' | sed 's/,*$//')
       efibootmgr -q -o "$rb_eb_n${rb_eb_rest:+,$rb_eb_rest}" >/dev/null 2>&1 || { rb_step efiboot skip reason=order-failed entry="Boot$rb_eb_n"; return 0; } ;;
  esac
  rb_step efiboot ok "entry=Boot$rb_eb_n"
}
