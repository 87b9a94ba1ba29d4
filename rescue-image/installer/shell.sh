# shellcheck shell=sh
# Rescue shell: shows what is on the disks and the slot state, checks the data
# file system read-only (e2fsck -n) and mounts it read-only at /mnt/data
# (read-write with rb.data_rw=1). Leaving the shell returns to the installer.
do_shell() {
  rb_step shell start
  for d in $(disk_list); do
    st=$(disk_state "$d")
    say "/dev/$d $(disk_size_mib "$d") MiB: $st"
    case "$st" in
      install*)
        id=${st#install }
        if esp_mount "$id"; then env_read "$ESP_ENV" && env_state; umount /tmp/rb-esp; fi
        data=/dev/$(rb_part_by_name "rb-data-$id")
        if /usr/sbin/e2fsck -n "$data" >/tmp/rb-fsck.log 2>&1; then rb_step fsck ok "dev=$data"
        else rb_step fsck errors "dev=$data"; tail -n 5 /tmp/rb-fsck.log; fi
        mkdir -p /mnt/data
        if [ "${rb_data_rw:-0}" = 1 ]; then mount -t ext4 "$data" /mnt/data && say "data mounted read-write at /mnt/data"
        else mount -t ext4 -o ro,noload "$data" /mnt/data && say "data mounted read-only at /mnt/data"; fi
        ;;
    esac
  done
  say "repair the data file system: umount /mnt/data; /usr/sbin/e2fsck -fy <dev>"
  say "slot state: mount the ESP and read EFI/rescuebox/grubenv; 'exit' returns to the installer"
  rb_step shell ready
  setsid cttyhack sh -l 2>/dev/null || sh
  umount /mnt/data 2>/dev/null
  return 0
}
