# shellcheck shell=sh
# Update of install $2 on disk $1: the image goes into the inactive slot (the
# one that is not the default), the configuration of the default slot is
# carried forward, and the new slot becomes a trial with rb.tries boots
# (default 3). At most four Enter presses. The data partition is not touched.
do_update() {
  d=$1 id=$2
  esp_mount "$id" || { rb_step update fail reason=esp-mount; return 1; }
  env_read "$ESP_ENV" || { rb_step update fail reason=env-block; return 1; }
  cur=$rb_default
  tgt=$(env_other "$cur")
  cur_dev=/dev/$(rb_part_by_name "rb-$cur-$id")
  tgt_dev=/dev/$(rb_part_by_name "rb-$tgt-$id")
  slot_read_config "$cur_dev"
  say "configuration of slot $cur: hostname=$CFG_hostname ip=${CFG_ip:-dhcp} gw=$CFG_gw keep=$CFG_keep"
  confirm keepconfig "Keep this configuration" || {
    ask hostname "Hostname" "$CFG_hostname"; CFG_hostname=$hostname
    ask ip "IP address/prefix, or dhcp" "${CFG_ip:-dhcp}"; CFG_ip=$ip
    ask gw "Gateway" "$CFG_gw"; CFG_gw=$gw
  }
  confirm confirm "Write the new system into slot $tgt (slot $cur, version $(env_ver "$cur"), stays the default until slot $tgt confirms)" || return 1
  RB_T_INSTALL=$(rb_now)
  rb_step update start "disk=/dev/$d" "from=$cur" "to=$tgt"
  rb_phase fetch-wait
  fetch_wait || return 1
  # 1. the target slot is no longer bootable (version cleared, trial cancelled)
  rb_phase invalidate
  eval "rb_ver_$tgt="
  [ "$rb_trial" = "$tgt" ] && rb_trial="" rb_tries=""
  env_write "$ESP_ENV" || { rb_fail reason=env; return 1; }
  rb_ok "slot=$tgt"
  # 2. image + configuration into the target slot
  rb_phase write
  slot_write "$tgt_dev" "$IMG_FILE" "$IMG_SUM" || return 1
  CFG_version=$IMG_VERSION
  [ -n "${rb_watchdog:-}" ] && CFG_watchdog=$rb_watchdog
  slot_write_config "$tgt_dev"
  rb_ok "slot=$tgt" "version=$IMG_VERSION"
  # 3. one env write makes it a trial
  rb_phase trial
  eval "rb_ver_$tgt=\$IMG_VERSION"
  rb_trial=$tgt rb_tries=$(env_tries "${rb_maxtries:-3}") rb_fallback=""
  env_write "$ESP_ENV" || { rb_fail reason=env; return 1; }
  umount /tmp/rb-esp
  rb_ok "slot=$tgt" "tries=${#rb_tries}"
  rb_step done "slot=$tgt" "version=$IMG_VERSION" trial=1 "disk=/dev/$d" "$(rb_since "$RB_T_INSTALL")"
}

do_rollback() {
  d=$1 id=$2
  esp_mount "$id" || return 1
  env_read "$ESP_ENV" || { rb_step rollback fail reason=env-block; return 1; }
  env_state
  confirm confirm "Roll back (cancel the trial, or make the other slot the default)" || return 1
  env_rollback || { rb_step rollback fail reason=no-other-slot; return 1; }
  env_write "$ESP_ENV" || return 1
  umount /tmp/rb-esp
  rb_step rollback ok "default=$rb_default"
  rb_step done "slot=$rb_default" "version=$(env_ver "$rb_default")" rollback=1 "disk=/dev/$d"
}
