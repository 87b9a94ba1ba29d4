# shellcheck shell=sh
# Shared helpers: machine-readable lines, parameters, devices.
# Sourced by the initramfs /init, the installer and the installed system.

# Builtins rather than processes in the helpers below: they run often (every
# phase, every poll), and each process costs milliseconds of the single vCPU
# under TCG that the work being waited for needs.

# Seconds since boot with two decimals (from /proc/uptime).
rb_now() { read -r _n _ </proc/uptime; echo "$_n"; }
# Centiseconds of a /proc/uptime value (two decimals), as a number.
rb_cs() {
  _c=${1%.*}${1#*.}
  while :; do case "$_c" in 0?*) _c=${_c#0} ;; *) break ;; esac; done
  echo "$_c"
}
# Time since rb_now value $1, as "1.2s".
rb_since() {
  read -r _n _ </proc/uptime
  _d=$(($(rb_cs "$_n") - $(rb_cs "$1")))
  echo "$((_d / 100)).$((_d % 100 / 10))s"
}
# sleep without an exec: read with a timeout on a FIFO nobody writes to
rb_sleep() {
  [ -p /tmp/rb-sleep ] || mkfifo /tmp/rb-sleep 2>/dev/null || [ -p /tmp/rb-sleep ] || { sleep "$1"; return 0; }
  read -r -t "$1" _ <>/tmp/rb-sleep
  return 0
}
# Ends an rb_sleep in progress early: a background job calls it when it has
# written the status a poller waits for (opening the FIFO read-write never blocks).
rb_wake() {
  [ -p /tmp/rb-sleep ] && echo 1<>/tmp/rb-sleep
  return 0
}

# RB_HEX := 32 random hex digits, RB_UUID := the same as a UUID (empty in the
# fallback). From the kernel's UUID generator rather than /dev/urandom: before
# the kernel's RNG is seeded (a CPU without RDRAND, e.g. QEMU's default model),
# the first urandom read spends about a second of CPU generating jitter entropy
# (1.0 s under TCG); this one never waits. Names and GUIDs need uniqueness, not
# secrecy.
rb_random_hex() {
  if IFS=- read -r _a _b _c _d _e </proc/sys/kernel/random/uuid 2>/dev/null; then
    RB_HEX=$_a$_b$_c$_d$_e RB_UUID=$_a-$_b-$_c-$_d-$_e
  else
    RB_HEX=$(hexdump -n 16 -e '16/1 "%02x"' /dev/urandom) RB_UUID=""
  fi
}

# RB-STEP <phase> <status> [key=value ...]; see docs/installer-protocol.md.
rb_step() { echo "RB-STEP $*"; }
rb_fail() { echo "RB-STEP $RB_PHASE fail $*"; return 1; }

# rb_phase NAME: starts a timed phase; rb_ok [k=v ...] ends it.
rb_phase() { RB_PHASE=$1; read -r RB_PHASE_T0 _ </proc/uptime; }
rb_ok() { rb_step "$RB_PHASE" ok "$@" "$(rb_since "$RB_PHASE_T0")"; }

# Parameters: rb.* words of the kernel command line, then the QEMU fw_cfg blob
# opt/rescuebox/cmdline (test hook), then an answer file (rb.answers=URL).
# Later sources override earlier ones. Stored as shell variables rb_<key>.
rb_param_words() {
  for w in $1; do
    case "$w" in
      rb.*=*) k=$(rb_key "${w%%=*}"); v=${w#*=}; eval "rb_$k=\$v" ;;
      rb.*) k=$(rb_key "$w"); eval "rb_$k=1" ;;
    esac
  done
}
# Parameter name (rb. prefix optional) -> shell variable suffix: [A-Za-z0-9_] only.
rb_key() {
  _k=${1#rb.}
  case "$_k" in *[!a-zA-Z0-9_]*) echo "$_k" | tr -c 'a-zA-Z0-9_\n' _ ;; *) echo "$_k" ;; esac
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
    k=$(rb_key "${line%%=*}"); v=${line#*=}
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
      rb_sleep 0.05; continue
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
    rb_sleep 0.1
  done
}
