# shellcheck shell=sh
# Looks at the disks. For each candidate disk, disk_state prints one of:
#   install <id>       a rescuebox install (all partitions + a readable env block)
#   damaged <reason>   partly ours (partitions named rb-*-<id>) but not usable
#   empty              no partition table, first MiB all zero
#   foreign <what>     anything else (another OS, data): never touched unless asked

disk_list() {
  for d in /sys/block/*; do
    n=${d##*/}
    case "$n" in loop*|ram*|sr*|fd*|zram*|dm-*|md*|nbd*) continue ;; esac
    [ "$(cat "$d/size")" -gt 0 ] 2>/dev/null || continue
    # USB sticks / BMC virtual media are removable: not install targets
    [ "$(cat "$d/removable" 2>/dev/null)" = 1 ] && continue
    echo "$n"
  done
}

disk_size_mib() { echo $(($(cat "/sys/block/$1/size") / 2048)); }

# Partition names of disk $1, one per line.
disk_partnames() {
  set -- /sys/block/"$1"/"$1"*/uevent
  [ -e "$1" ] && sed -n 's/^PARTNAME=//p' "$@"
}
disk_parts() { ls -d /sys/block/"$1"/"$1"* 2>/dev/null | wc -l; }

disk_state() {
  d=$1
  id=$(disk_partnames "$d" | sed -n 's/^rb-esp-//p' | head -n 1)
  if [ -z "$id" ] && disk_partnames "$d" | grep -q '^rb-'; then
    echo "damaged no-esp"; return 0
  fi
  if [ -n "$id" ]; then
    for p in A B data; do
      disk_partnames "$d" | grep -qx "rb-$p-$id" || { echo "damaged missing-$p"; return 0; }
    done
    esp=$(rb_part_by_name "rb-esp-$id")
    mkdir -p /tmp/rb-probe
    mount -t vfat -o ro "/dev/$esp" /tmp/rb-probe 2>/dev/null || { echo "damaged esp-unreadable"; return 0; }
    if env_read /tmp/rb-probe/EFI/rescuebox/grubenv && [ -n "$rb_default" ] && [ -n "$(env_ver "$rb_default")" ]; then
      echo "install $id"
    else
      echo "damaged env-block"
    fi
    umount /tmp/rb-probe
    return 0
  fi
  if [ "$(disk_parts "$d")" -eq 0 ] &&
    [ -z "$(dd if="/dev/$d" bs=65536 count=16 2>/dev/null | tr -d '\000' | head -c 1)" ]; then
    echo empty; return 0
  fi
  echo "foreign partitions=$(disk_parts "$d")"
}

# Mounts the ESP of install <id> read-write at /tmp/rb-esp; loads its env block.
esp_mount() {
  mkdir -p /tmp/rb-esp
  grep -q ' /tmp/rb-esp ' /proc/mounts && return 0
  mount -t vfat -o noatime "/dev/$(rb_part_by_name "rb-esp-$1")" /tmp/rb-esp
}
ESP_ENV=/tmp/rb-esp/EFI/rescuebox/grubenv
