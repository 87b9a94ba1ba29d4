# shellcheck shell=sh
# The UEFI boot entry "rescuebox", written straight into efivarfs (no
# efibootmgr and libefivar on the ISO): an EFI_LOAD_OPTION (UEFI 2.10 section
# 3.1.3) whose device path is HD(1,GPT,<ESP GUID>,start,size)/\EFI\BOOT\BOOTX64.EFI
# (sections 10.3.5.1, 10.3.5.4), first in BootOrder. The kernel checks the
# structure of Boot#### and BootOrder on write.

EFI_GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c
EFIVARS=${EFIVARS:-/sys/firmware/efi/efivars}
EFI_LABEL=rescuebox
EFI_LOADER='\EFI\BOOT\BOOTX64.EFI'

# E += ASCII $1 as UTF-16LE with its terminating NUL
e_ucs2z() { e_utf16 "$1"; E="$E\\000\\000"; }

# Writes escapes $2 as EFI variable $1 (NON_VOLATILE|BOOTSERVICE|RUNTIME):
# one write(2), as efivarfs requires.
efi_var_write() {
  # shellcheck disable=SC2059 # the escapes are the format
  printf "\\007\\000\\000\\000$2" >${TMPDIR:-/tmp}/rb-efivar && cat ${TMPDIR:-/tmp}/rb-efivar >"$EFIVARS/$1-$EFI_GLOBAL"
}

# Bytes of file $1 (efivarfs files cannot seek, so od reads from the start)
# as lower-case hex pairs separated by spaces, into OD. One fork, no pipes:
# each pipe stage and $(...) is another process (milliseconds under TCG).
efi_od() {
  od -An -v -tx1 <"$1" >${TMPDIR:-/tmp}/rb-od 2>/dev/null || return 1
  OD=""
  while read -r _l; do OD="$OD $_l"; done <${TMPDIR:-/tmp}/rb-od
}

# Boot#### numbers (XXXX) whose description is exactly $EFI_LABEL, into EFI_FOUND.
efi_entries() {
  E=""; e_ucs2z "$EFI_LABEL"
  gpt_file ${TMPDIR:-/tmp}/rb-efilabel "$E" && efi_od ${TMPDIR:-/tmp}/rb-efilabel || return 1
  _want=$OD EFI_FOUND=""
  for _f in "$EFIVARS"/Boot[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-"$EFI_GLOBAL"; do
    [ -e "$_f" ] && efi_od "$_f" || continue
    # attributes (4), load option attributes (4), file path list length (2), description
    case "${OD#??????????????????????????????}" in "$_want"*) ;; *) continue ;; esac
    _f=${_f##*/Boot}; EFI_FOUND="$EFI_FOUND ${_f%%-*}"
  done
}

# BootOrder as upper-case XXXX words, into EFI_ORDER.
efi_boot_order() {
  EFI_ORDER=""
  _f="$EFIVARS/BootOrder-$EFI_GLOBAL"
  [ -e "$_f" ] && efi_od "$_f" || return 0
  # shellcheck disable=SC2086
  set -- $OD
  [ $# -ge 4 ] && shift 4
  while [ $# -ge 2 ]; do
    hex2 $((0x$2)); _o=$X; hex2 $((0x$1)); EFI_ORDER="$EFI_ORDER $_o$X"
    shift 2
  done
}

# E := the EFI_LOAD_OPTION "rescuebox" for partition 1 at LBA $1, $2 LBAs long,
# partition GUID $3 (on-disk hex): attributes (active), path list length,
# description; the path list: HD node (42 bytes: partition 1, start, size,
# GPT signature), file path node, end node.
e_load_option() { # start size guid
  _pl=$((4 + 2 * ${#EFI_LOADER} + 2))
  E=""; e_le 1 4; e_le $((42 + _pl + 4)) 2; e_ucs2z "$EFI_LABEL"
  E="$E\\004\\001"; e_le 42 2; e_le 1 4; e_le "$1" 8; e_le "$2" 8; e_hex "$3"; E="$E\\002\\002"
  E="$E\\004\\004"; e_le $_pl 2; e_ucs2z "$EFI_LOADER"; E="$E\\177\\377\\004\\000"
}

# UEFI only: (re)creates the entry on partition 1 (ESP) of disk $1, first in
# BootOrder. Entries with the same label are deleted first, so there is never
# more than one. Never fails the install (the removable-media path boots
# without it): prints one line,
#   RB-STEP efiboot ok entry=BootXXXX   or   RB-STEP efiboot skip reason=<why>
efiboot_register() { # disk
  d=$1
  [ -d /sys/firmware/efi ] || { rb_step efiboot skip reason=no-uefi; return 0; }
  if ! grep -q " $EFIVARS efivarfs " /proc/mounts; then
    modprobe efivarfs 2>/dev/null
    mount -t efivarfs efivarfs "$EFIVARS" 2>/dev/null || { rb_step efiboot skip reason=no-efivars; return 0; }
  fi
  grep -q " $EFIVARS efivarfs rw" /proc/mounts || { rb_step efiboot skip reason=efivars-ro; return 0; }
  gpt_entry "$d" 1 || { rb_step efiboot skip reason=no-esp-entry; return 0; }
  efi_entries
  for rb_eb_n in $EFI_FOUND; do
    rm -f "$EFIVARS/Boot$rb_eb_n-$EFI_GLOBAL" 2>/dev/null || { rb_step efiboot skip reason=delete-failed entry="Boot$rb_eb_n"; return 0; }
  done
  i=0
  while [ $i -lt 65535 ]; do
    hex2 $((i >> 8)); rb_eb_n=$X; hex2 $((i & 255)); rb_eb_n=$rb_eb_n$X
    [ -e "$EFIVARS/Boot$rb_eb_n-$EFI_GLOBAL" ] || break
    i=$((i + 1))
  done
  e_load_option "$GPT_E_START" "$GPT_E_SIZE" "$GPT_E_GUID"
  efi_var_write "Boot$rb_eb_n" "$E" 2>/tmp/rb-efiboot.log ||
    { sed 's/^/rescuebox: efiboot: /' /tmp/rb-efiboot.log; rb_step efiboot skip reason=create-failed; return 0; }
  efi_entries
  case "$EFI_FOUND " in *" $rb_eb_n "*) ;; *) rb_step efiboot skip reason=not-found; return 0 ;; esac
  # first, then the old order without the entries deleted above (as efibootmgr -B does)
  E=""; e_le $((0x$rb_eb_n)) 2
  efi_boot_order
  for o in $EFI_ORDER; do
    [ "$o" != "$rb_eb_n" ] && [ -e "$EFIVARS/Boot$o-$EFI_GLOBAL" ] && e_le $((0x$o)) 2
  done
  efi_var_write BootOrder "$E" 2>/dev/null || { rb_step efiboot skip reason=order-failed entry="Boot$rb_eb_n"; return 0; }
  rb_step efiboot ok "entry=Boot$rb_eb_n"
}
