# shellcheck shell=sh
# Shared helpers: machine-readable lines, parameters, devices.
# Sourced by the initramfs /init, the installer and the installed system.

# Seconds since boot with two decimals (from /proc/uptime).
rb_now() { cut -d' ' -f1 /proc/uptime; }
rb_since() { awk -v a="$1" -v b="$(rb_now)" 'BEGIN { printf "%.1fs", b - a }'; }

# RB-STEP <phase> <status> [key=value ...]; see docs/installer-protocol.md.
rb_step() { echo "RB-STEP $*"; }
rb_fail() { echo "RB-STEP $RB_PHASE fail $*"; return 1; }

# rb_phase NAME: starts a timed phase; rb_ok [k=v ...] ends it.
rb_phase() { RB_PHASE=$1; RB_PHASE_T0=$(rb_now); }
rb_ok() { rb_step "$RB_PHASE" ok "$@" "$(rb_since "$RB_PHASE_T0")"; }

# Parameters: rb.* words of the kernel command line, then the QEMU fw_cfg blob
# opt/rescuebox/cmdline (test hook), then an answer file (rb.answers=URL).
# Later sources override earlier ones. Stored as shell variables rb_<key>.
rb_param_words() {
  for w in $1; do
    case "$w" in
      rb.*=*) k=${w%%=*}; k=$(echo "${k#rb.}" | tr -c 'a-zA-Z0-9_\n' _); v=${w#*=}; eval "rb_$k=\$v" ;;
      rb.*) k=$(echo "${w#rb.}" | tr -c 'a-zA-Z0-9_\n' _); eval "rb_$k=1" ;;
    esac
  done
}
rb_load_params() {
  rb_param_words "$(cat /proc/cmdline)"
  fw=/sys/firmware/qemu_fw_cfg/by_name/opt/rescuebox/cmdline/raw
  [ -r "$fw" ] && rb_param_words "$(cat "$fw")"
  return 0
}
# Answer file: `key=value` lines (key with or without the rb. prefix), # comments.
rb_load_answers() {
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    k=${line%%=*}; k=${k#rb.}; k=$(echo "$k" | tr -c 'a-zA-Z0-9_\n' _); v=${line#*=}
    eval "rb_$k=\$v"
  done <"$1"
}

# Loads drivers for present devices (coldplug by modalias) until the set of
# devices stops changing, so buses found by one driver (virtio, usb, scsi)
# get their own drivers too.
rb_coldplug() {
  seen=""; stable=0; n=0
  while [ $n -lt 40 ]; do
    n=$((n + 1))
    all=$(cat /sys/bus/*/devices/*/modalias 2>/dev/null | sort -u)
    if [ "$all" = "$seen" ]; then
      stable=$((stable + 1)); [ $stable -ge 3 ] && break
      sleep 0.05; continue
    fi
    stable=0
    echo "$all" | grep -vxF -e "${seen:-@@none@@}" | xargs -r modprobe -qa 2>/dev/null
    seen=$all
  done
}

# Prints the kernel name (vda2) of the partition named $1 (GPT name), or fails.
rb_part_by_name() {
  # one grep over all uevent files (each exec costs ~10 ms under TCG); first in glob order
  u=$(grep -lx "PARTNAME=$1" /sys/class/block/*/uevent 2>/dev/null)
  [ -n "$u" ] || return 1
  u=${u%%"
"*}
  u=${u%/uevent}
  echo "${u##*/}"
}
# Waits up to $2 seconds (default 10) for the partition named $1.
rb_wait_part() {
  n=0; lim=$(( ${2:-10} * 10 ))
  while ! rb_part_by_name "$1"; do
    n=$((n + 1)); [ $n -ge $lim ] && return 1
    sleep 0.1
  done
}
