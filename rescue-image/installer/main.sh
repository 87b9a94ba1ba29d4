# shellcheck shell=sh
# The installer: finds its image, looks at the disks and offers what fits.
#   nothing of ours      -> fresh install (onto an empty disk by default)
#   one rescuebox install -> update (or rollback, shell, reinstall)
#   damaged / foreign     -> says what it found, offers the rescue shell
# Parameters: docs/rescue-image.md; output lines: docs/installer-protocol.md.
for f in common env ui net fetch disks gpt partition slot image efiboot bootloader install update shell; do
  . "/rb/$f.sh"
done
rb_load_params
RB_T0=$(rb_now)

if [ -n "${rb_answers:-}" ]; then
  rb_phase answers
  if net_wait && wget -q -O /tmp/rb-answers "$rb_answers"; then
    rb_load_answers /tmp/rb-answers
    rb_ok "url=$rb_answers"
  else
    rb_fail "url=$rb_answers"
  fi
fi
case "${rb_action:-}" in shell|rollback) ;; *) [ -n "${rb_image:-}" ] && fetch_start ;; esac

rb_phase scan
installs="" empties="" others=""
for d in $(disk_list); do
  st=$(disk_state "$d")
  say "/dev/$d ($(disk_size_mib "$d") MiB): $st"
  case "$st" in
    install*) installs="$installs $d" ;;
    empty) empties="$empties $d" ;;
    *) others="$others $d" ;;
  esac
done
set -- $installs; ninst=$#
set -- $empties; first_empty=${1:-}
set -- $others; first_other=${1:-}
rb_ok "installs=$ninst" "empty=$(echo $empties | wc -w)" "other=$(echo $others | wc -w)"

finish() {
  case "${rb_end:-reboot}" in
    shell) do_shell ;;
    poweroff) rb_step end action=poweroff; sync; poweroff -f ;;
    *) rb_step end action=reboot; sync; reboot -f ;;
  esac
}
failed() {
  rb_step failed "$@"
  say "installation failed; '!' at a prompt or rb.action=shell gives the rescue shell"
  if [ "${rb_auto:-0}" = 1 ]; then
    rb_step end action=halt
    while :; do sleep 3600; done
  fi
  do_shell
}

if [ "$ninst" -ge 1 ]; then
  set -- $installs
  if [ "$ninst" -gt 1 ]; then ask disk "Install to update" "/dev/$1"; else disk=${rb_disk:-/dev/$1}; fi
  d=${disk#/dev/}
  st=$(disk_state "$d")
  case "$st" in install*) id=${st#install } ;; *) failed "reason=not-an-install disk=/dev/$d"; exit 0 ;; esac
  esp_mount "$id" && env_read "$ESP_ENV" && env_state && umount /tmp/rb-esp
  if [ -n "${rb_action:-}" ]; then action=$rb_action; else ask action "Action: update, rollback, shell, reinstall" update; fi
else
  if [ -n "$first_empty" ]; then def_action=install; def_disk=$first_empty
  else def_action=shell; def_disk=${first_other:-none}
    say "no empty disk and no rescuebox install found: answer 'reinstall' to erase /dev/$def_disk"
  fi
  [ -n "${rb_action:-}" ] || [ "$def_action" = install ] || ask action "Action: shell, reinstall" "$def_action"
  action=${action:-${rb_action:-$def_action}}
  [ "$action" = shell ] || ask disk "Disk to install to" "/dev/$def_disk"
  d=${disk#/dev/}
fi

case "$action" in
  update) do_update "$d" "$id" || { failed "action=update"; exit 0; } ;;
  rollback) do_rollback "$d" "$id" || { failed "action=rollback"; exit 0; } ;;
  install|reinstall)
    [ -b "/dev/$d" ] || { failed "reason=no-disk disk=/dev/$d"; exit 0; }
    do_install "$d" || { failed "action=install"; exit 0; } ;;
  shell) do_shell; exit 0 ;;
  *) failed "reason=unknown-action action=$action"; exit 0 ;;
esac
finish
