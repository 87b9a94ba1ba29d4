# shellcheck shell=sh
# Writing a slot: the verified image, read back and checked, then the slot's
# configuration block in the last 64 KiB of the partition:
#   RBCONF1 / key=value lines / END, NUL padded
# Keys: hostname ip gw dns keep version, and watchdog (trial-boot watchdog
# timeout in seconds; absent: 120, 0: off) when rb.watchdog was given.

slot_write() { # partition device, image file, "crc32|md5|sha256 HEX" of it
  dev=$1 img=$2 sum=$3
  size=$(stat -c %s "$img")
  read -r psz <"/sys/class/block/${dev#/dev/}/size"; psz=$((psz * 512))
  [ $((size + 65536)) -le "$psz" ] || { rb_fail "reason=slot-too-small size=$size slot=$psz"; return 1; }
  # Large blocks, O_DIRECT (no second copy through the page cache) when the
  # size allows it; fsync flushes the disk's cache before the read-back.
  direct=""
  [ $((size % 4096)) -eq 0 ] && direct="oflag=direct"
  dd if="$img" of="$dev" bs=4M $direct conv=fsync 2>/dev/null ||
    dd if="$img" of="$dev" bs=1M conv=fsync 2>/dev/null || { rb_fail "reason=write-error"; return 1; }
  slot_readback "$dev" "$size" "$sum"
}

# Reads the written bytes back from the disk, never the page cache, and checks
# their crc32 (or md5, sha256) against the manifest's: O_DIRECT into a RAM file,
# then the sum of that file (64 MB under TCG: crc32 0.6 s, md5 1.0 s; the
# same bytes streamed through a pipe cost several times that, every context
# switch flushes QEMU's soft TLB). Without RAM for the second copy: the pipe,
# after dropping the page cache. A CRC is enough here: the image's sha256 was
# checked before the write, this only has to catch a disk returning other bytes.
slot_readback() { # device, size, "crc32|md5|sha256 HEX"
  dev=$1 size=$2 algo=${3%% *} want=${3#* }
  case "$algo" in crc32) sumcmd=crc32 ;; *) sumcmd=${algo}sum ;; esac
  avail=0
  while read -r k v _; do [ "$k" = MemAvailable: ] && { avail=$((v / 1024)); break; }; done </proc/meminfo
  rb=/tmp/rb-readback
  got=""
  if [ $((size % 4096)) -eq 0 ] && [ "${avail:-0}" -gt $((size / 1048576 + 64)) ] &&
    dd if="$dev" of="$rb" bs=4M count=$(((size + 4194303) / 4194304)) iflag=direct 2>/dev/null &&
    truncate -s "$size" "$rb"; then
    got=$("$sumcmd" "$rb") && got=${got%% *}
  fi
  rm -f "$rb"
  if [ -z "$got" ]; then
    echo 1 >/proc/sys/vm/drop_caches
    got=$(head -c "$size" "$dev" | "$sumcmd") && got=${got%% *}
  fi
  [ "$got" = "$want" ] || { rb_fail "reason=readback $algo want=$want got=$got"; return 1; }
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
    [ -n "${CFG_watchdog:-}" ] && echo "watchdog=$CFG_watchdog"
    echo END
  } >/tmp/rb-conf
  head -c $((4096 - $(wc -c </tmp/rb-conf))) /dev/zero >>/tmp/rb-conf
  dd if=/tmp/rb-conf of="$dev" bs=512 seek=$((sectors - 128)) conv=notrunc,fsync 2>/dev/null
}

# Reads the configuration block of a slot into CFG_* variables.
slot_read_config() {
  dev=$1
  sectors=$(cat "/sys/class/block/${dev#/dev/}/size")
  for k in hostname ip gw dns keep version watchdog; do eval "CFG_$k="; done
  dd if="$dev" bs=512 skip=$((sectors - 128)) count=8 2>/dev/null | tr -d '\000' |
    sed -n '/^RBCONF1$/,/^END$/p' >/tmp/rb-conf.old
  while IFS= read -r l; do
    case "$l" in hostname=*|ip=*|gw=*|dns=*|keep=*|version=*|watchdog=*) eval "CFG_${l%%=*}=\${l#*=}" ;; esac
  done </tmp/rb-conf.old
}
