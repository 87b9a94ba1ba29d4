# shellcheck shell=sh
# The installer's own network (to fetch images and answer files):
#   rb.net=dhcp (default) | ADDR/PREFIX[,GATEWAY] | none

net_iface() {
  for i in /sys/class/net/*; do
    n=${i##*/}
    case "$n" in lo|sit*|tun*|dummy*) continue ;; esac
    [ -e "$i/device" ] && { echo "$n"; return 0; }
  done
  return 1
}

# Starts the network in the background (once, even from subshells);
# net_wait waits for it. State lives in files so subshells share it.
net_start() {
  mkdir /tmp/rb-net 2>/dev/null || return 0
  (
    trap rb_wake EXIT
    rb_phase net
    ifc=$(net_iface) || { rb_fail "reason=no-nic"; echo fail >/tmp/rb-net/status; exit 1; }
    ip link set lo up
    ip link set "$ifc" up
    case "${rb_net:-dhcp}" in
      none) ;;
      dhcp)
        udhcpc -i "$ifc" -n -q -f -t 20 -T 1 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 ||
          { rb_fail "if=$ifc reason=dhcp"; echo fail >/tmp/rb-net/status; exit 1; } ;;
      *)
        ip addr add "${rb_net%%,*}" dev "$ifc"
        case "$rb_net" in *,*) ip route add default via "${rb_net#*,}" ;; esac ;;
    esac
    rb_ok "if=$ifc" "addr=$(ip -4 -o addr show dev "$ifc" | awk '{print $4; exit}')"
    echo ok >/tmp/rb-net/status
  ) &
}
net_wait() {
  net_start
  while [ ! -s /tmp/rb-net/status ]; do rb_sleep 0.05; done
  [ "$(cat /tmp/rb-net/status)" = ok ]
}
