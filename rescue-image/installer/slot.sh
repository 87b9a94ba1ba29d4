# shellcheck shell=sh
# Writing a slot: the verified image, read back and checked, then the slot's
# configuration block in the last 64 KiB of the partition:
#   RBCONF1 / key=value lines / END, NUL padded
# Keys: hostname ip gw dns keep version, and watchdog (trial-boot watchdog
# timeout in seconds; absent: 120, 0: off) when rb.watchdog was given.

slot_write() { # partition device, image file, expected sha256
  dev=$1 img=$2 sha=$3
  size=$(wc -c <"$img")
  psz=$(($(cat "/sys/class/block/${dev#/dev/}/size") * 512))
  [ $((size + 65536)) -le "$psz" ] || { rb_fail "reason=slot-too-small size=$size slot=$psz"; return 1; }
  # Large blocks, O_DIRECT (no second copy through the page cache) when the
  # size allows it; fsync flushes the disk's cache before the read-back.
  direct=""
  [ $((size % 4096)) -eq 0 ] && direct="oflag=direct"
  dd if="$img" of="$dev" bs=4M $direct conv=fsync 2>/dev/null ||
    dd if="$img" of="$dev" bs=1M conv=fsync 2>/dev/null || { rb_fail "reason=write-error"; return 1; }
  slot_readback "$dev" "$img" "$size" "$sha"
}

# Reads the written bytes back from the disk, never the page cache, and checks
# them against the verified image in RAM: O_DIRECT into a RAM file and md5 against
# the md5 of the RAM copy (precomputed by fetch.sh after its sha256 check; md5 is
# enough to find a bad write, the source itself was checked with sha256). Without
# RAM for a second copy: a streamed sha256 of the device against the manifest.
slot_readback() { # device, image file, size, sha256
  dev=$1 img=$2 size=$3 sha=$4
  avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
  rb=/tmp/rb-readback
  if [ $((size % 4096)) -eq 0 ] && [ "${avail:-0}" -gt $((size / 1048576 + 64)) ]; then
    blocks=$(((size + 4194303) / 4194304))
    if dd if="$dev" of="$rb" bs=4M count="$blocks" iflag=direct 2>/dev/null && truncate -s "$size" "$rb"; then
      # the md5 job of fetch.sh (an orphan by now: running, zombie or gone)
      p=$(cat "${img%/*}/md5.pid" 2>/dev/null) n=0
      while [ ! -s "$img.md5" ] && [ -n "$p" ] && [ $n -lt 6000 ] && [ -r "/proc/$p/stat" ] &&
        ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$p/stat"; do
        n=$((n + 1)); sleep 0.05
      done
      want=$(cat "$img.md5" 2>/dev/null) || want=""
      [ -n "$want" ] || want=$(md5sum "$img" | cut -d' ' -f1)
      got=$(md5sum "$rb" | cut -d' ' -f1)
      rm -f "$rb"
      [ "$got" = "$want" ] || { rb_fail "reason=readback md5-want=$want got=$got"; return 1; }
      return 0
    fi
    rm -f "$rb"
  fi
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
