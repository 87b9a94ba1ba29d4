# shellcheck shell=sh
# Writing a slot: the verified image, read back and checked, then the slot's
# configuration block in the last 64 KiB of the partition:
#   RBCONF1 / key=value lines / END, NUL padded
# Keys: hostname ip gw dns keep version.

slot_write() { # partition device, image file, expected sha256
  dev=$1 img=$2 sha=$3
  size=$(wc -c <"$img")
  psz=$(($(cat "/sys/class/block/${dev#/dev/}/size") * 512))
  [ $((size + 65536)) -le "$psz" ] || { rb_fail "reason=slot-too-small size=$size slot=$psz"; return 1; }
  dd if="$img" of="$dev" bs=1M conv=fsync 2>/dev/null || { rb_fail "reason=write-error"; return 1; }
  # read back from the disk, not the page cache
  echo 1 >/proc/sys/vm/drop_caches
  got=$(head -c "$size" "$dev" | sha256sum | cut -d' ' -f1)
  [ "$got" = "$sha" ] || { rb_fail "reason=readback want=$sha got=$got"; return 1; }
}

slot_write_config() { # partition device (config from the CFG_* variables)
  dev=$1
  sectors=$(cat "/sys/class/block/${dev#/dev/}/size")
  {
    echo RBCONF1
    echo "hostname=$CFG_hostname"
    echo "ip=$CFG_ip"
    echo "gw=$CFG_gw"
    echo "dns=$CFG_dns"
    echo "keep=$CFG_keep"
    echo "version=$CFG_version"
    echo END
  } >/tmp/rb-conf
  head -c $((4096 - $(wc -c </tmp/rb-conf))) /dev/zero >>/tmp/rb-conf
  dd if=/tmp/rb-conf of="$dev" bs=512 seek=$((sectors - 128)) conv=notrunc,fsync 2>/dev/null
}

# Reads the configuration block of a slot into CFG_* variables.
slot_read_config() {
  dev=$1
  sectors=$(cat "/sys/class/block/${dev#/dev/}/size")
  for k in hostname ip gw dns keep version; do eval "CFG_$k="; done
  dd if="$dev" bs=512 skip=$((sectors - 128)) count=8 2>/dev/null | tr -d '\000' |
    sed -n '/^RBCONF1$/,/^END$/p' >/tmp/rb-conf.old
  while IFS= read -r l; do
    case "$l" in hostname=*|ip=*|gw=*|dns=*|keep=*|version=*) eval "CFG_${l%%=*}=\${l#*=}" ;; esac
  done </tmp/rb-conf.old
}
