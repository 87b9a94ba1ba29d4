# shellcheck shell=sh
# The UEFI boot entry "rescuebox", written straight into efivarfs (no
# efibootmgr and libefivar on the ISO): an EFI_LOAD_OPTION (UEFI 2.10 section
# 3.1.3) whose device path is HD(1,GPT,<ESP GUID>,start,size)/\EFI\BOOT\BOOTX64.EFI
# (sections 10.3.5.1, 10.3.5.4), first in BootOrder. The kernel checks the
# structure of Boot#### and BootOrder on write.

EFI_GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c
EFIVARS=/sys/firmware/efi/efivars
EFI_LABEL=rescuebox
EFI_LOADER='\EFI\BOOT\BOOTX64.EFI'

# printf escapes of ASCII $1 as UTF-16LE with its terminating NUL
efi_utf16() { printf %s "$(gpt_utf16 "$1")\\000\\000"; }

# Writes escapes $2 as EFI variable $1 (NON_VOLATILE|BOOTSERVICE|RUNTIME):
# one write(2), as efivarfs requires.
efi_var_write() {
  # shellcheck disable=SC2059 # the escapes are the format
  printf "\\007\\000\\000\\000$2" >/tmp/rb-efivar && cat /tmp/rb-efivar >"$EFIVARS/$1-$EFI_GLOBAL"
}

# Boot#### numbers (XXXX) whose description is exactly $EFI_LABEL.
efi_entries() {
  want=$(efi_utf16 "$EFI_LABEL")
  # shellcheck disable=SC2059
  want=$(printf "$want" | od -An -v -tx1 | tr -d ' \n')
  for f in "$EFIVARS"/Boot[0-9A-F][0-9A-F][0-9A-F][0-9A-F]-"$EFI_GLOBAL"; do
    [ -e "$f" ] || continue
    # attributes (4), load option attributes (4), file path list length (2),
    # description; efivarfs files cannot seek, so od reads from the start
    got=$(od -An -v -tx1 <"$f" | tr -d ' \n')
    case "${got#????????????????????}" in "$want"*) ;; *) continue ;; esac
    f=${f##*/Boot}; echo "${f%%-*}"
  done
}

# BootOrder as XXXX words, one per line.
efi_boot_order() {
  f="$EFIVARS/BootOrder-$EFI_GLOBAL"
  [ -e "$f" ] || return 0
  od -An -v -tx1 <"$f" | tr -s ' \n' '\n\n' | grep . | tail -n +5 | while read -r lo && read -r hi; do
    echo "$hi$lo" | tr 'a-f' 'A-F'
  done
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
  set -- $(gpt_entry "$d" 1)
  [ $# -eq 3 ] || { rb_step efiboot skip reason=no-esp-entry; return 0; }
  rb_eb_guid=$1 rb_eb_start=$2 rb_eb_size=$3
  for rb_eb_n in $(efi_entries); do
    rm -f "$EFIVARS/Boot$rb_eb_n-$EFI_GLOBAL" 2>/dev/null || { rb_step efiboot skip reason=delete-failed entry="Boot$rb_eb_n"; return 0; }
  done
  i=0
  while [ $i -lt 65535 ]; do
    rb_eb_n=$(printf %04X $i)
    [ -e "$EFIVARS/Boot$rb_eb_n-$EFI_GLOBAL" ] || break
    i=$((i + 1))
  done
  path=$(efi_utf16 "$EFI_LOADER")
  plen=$((4 + 2 * ${#EFI_LOADER} + 2))
  # HD node (42 bytes): partition 1, start, size, GPT signature; file path node; end node
  dp="\\004\\001$(gpt_le 42 2)$(gpt_le 1 4)$(gpt_le "$rb_eb_start" 8)$(gpt_le "$rb_eb_size" 8)$(gpt_hex "$rb_eb_guid")\\002\\002"
  dp="$dp\\004\\004$(gpt_le $plen 2)$path\\177\\377\\004\\000"
  opt="$(gpt_le 1 4)$(gpt_le $((42 + plen + 4)) 2)$(efi_utf16 "$EFI_LABEL")$dp"
  efi_var_write "Boot$rb_eb_n" "$opt" 2>/tmp/rb-efiboot.log ||
    { sed 's/^/rescuebox: efiboot: /' /tmp/rb-efiboot.log; rb_step efiboot skip reason=create-failed; return 0; }
  case " $(efi_entries | tr '\n' ' ')" in *" $rb_eb_n "*) ;; *) rb_step efiboot skip reason=not-found; return 0 ;; esac
  order="$(gpt_le $((0x$rb_eb_n)) 2)"
  # without the entries deleted above (as efibootmgr -B does)
  for o in $(efi_boot_order); do
    [ "$o" != "$rb_eb_n" ] && [ -e "$EFIVARS/Boot$o-$EFI_GLOBAL" ] && order="$order$(gpt_le $((0x$o)) 2)"
  done
  efi_var_write BootOrder "$order" 2>/dev/null || { rb_step efiboot skip reason=order-failed entry="Boot$rb_eb_n"; return 0; }
  rb_step efiboot ok "entry=Boot$rb_eb_n"
}
