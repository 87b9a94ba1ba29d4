# shellcheck shell=sh
# Fresh install onto disk $1: at most five Enter presses plus the IP address
# (disk, confirmation, hostname, IP, gateway when static).
default_gw() { # ADDR/PREFIX -> first host of the subnet
  net=$(ipcalc -n "$1" 2>/dev/null | sed -n 's/^NETWORK=//p')
  [ -n "$net" ] || return 0
  echo "${net%.*}.$((${net##*.} + 1))"
}

do_install() {
  d=$1
  confirm confirm "Erase /dev/$d ($(disk_size_mib "$d") MiB) and install" || return 1
  RB_T_INSTALL=$(rb_now)
  rb_step install start "disk=/dev/$d"
  fetch_ensure || return 1
  # The disk work needs no answer but the confirmation: it runs while the
  # hostname and network are asked, and its lines are printed after the last
  # answer (not into a half-typed one).
  ( install_disk "$d" ) >/tmp/rb-install.log 2>&1 &
  RB_BG_PID=$!
  ask hostname "Hostname" rescuebox
  ask ip "IP address/prefix (e.g. 192.0.2.10/24), or dhcp" dhcp
  gw=""
  if [ "$ip" != dhcp ]; then
    case "$ip" in */*) ;; *) ip="$ip/24" ;; esac
    ask gw "Gateway" "$(default_gw "$ip")"
  fi
  wait "$RB_BG_PID"; st=$?
  RB_BG_PID=""
  cat /tmp/rb-install.log
  [ "$st" -eq 0 ] || return 1
  . /tmp/rb-install.env
  # Last, after the slot was read back and GRUB installed: the slot's
  # configuration, then the env block that makes slot A the default.
  rb_phase config
  CFG_hostname=$hostname CFG_ip=$ip CFG_gw=$gw CFG_dns=${rb_dns:-} CFG_keep=${rb_keep:-/root} CFG_version=$IMG_VERSION CFG_watchdog=${rb_watchdog:-}
  slot_write_config "$(part_dev "$d" 2)" || { rb_fail reason=config-write; return 1; }
  esp_mount "$id" || { rb_fail reason=esp-mount; return 1; }
  rb_id=$id rb_default=A rb_trial="" rb_tries="" rb_fallback="" rb_ver_A=$IMG_VERSION rb_ver_B=""
  env_write "$ESP_ENV" || { rb_fail reason=env; return 1; }
  umount /tmp/rb-esp
  rb_ok slot=A "hostname=$hostname"
  rb_step done slot=A "version=$IMG_VERSION" "disk=/dev/$d" "$(rb_since "$RB_T_INSTALL")"
}

# Partition, file systems, the verified image into slot A (read back) and GRUB:
# everything of a fresh install but the answers. Leaves id and IMG_VERSION in
# /tmp/rb-install.env.
install_disk() { # disk
  d=$1
  rm -f /tmp/rb-install.env
  rb_phase fetch-wait
  fetch_wait || return 1
  rb_phase image
  image_open "$IMG_FILE" || { rb_fail reason=image; return 1; }
  rb_ok
  rb_random_hex; id=${RB_HEX%????????????????????????}
  rb_phase partition
  partition_disk "$d" "$id" $(( (IMG_SIZE + 65536) / 1048576 + 1 )) || { image_close; return 1; }
  rb_ok "disk=/dev/$d" "id=$id"
  rb_phase mkfs
  mkfs_all "$d" || { image_close; rb_fail "disk=/dev/$d"; return 1; }
  image_close
  rb_ok
  rb_phase write
  slot_write "$(part_dev "$d" 2)" "$IMG_FILE" "$IMG_SUM" || return 1
  rb_ok slot=A "version=$IMG_VERSION"
  rb_phase bootloader
  esp_mount "$id" || { rb_fail reason=esp-mount; return 1; }
  boot_install "$d" || { rb_fail; return 1; }
  umount /tmp/rb-esp
  rb_ok
  printf 'id=%s\nIMG_VERSION=%s\n' "$id" "$IMG_VERSION" >/tmp/rb-install.env
}
