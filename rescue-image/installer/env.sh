# shellcheck shell=sh
# The GRUB environment block that selects the slot (grubenv on the ESP).
# Variables (all short, so the block's meaningful part stays in its first
# 512-byte sector and every rewrite is a single-sector change):
#   rb_id       install id (GPT partition names rb-<part>-<id>)
#   rb_default  confirmed slot, A or B
#   rb_trial    slot on trial (empty: none)
#   rb_tries    remaining trial boots, unary ("xxx" = 3); GRUB strips one per boot
#   rb_fallback slot GRUB gave up on (set by GRUB, cleared by the system after reporting)
#   rb_ver_A / rb_ver_B  version in each slot (empty: slot empty or being written)
# Writes are a full 1024-byte block rewritten in place (dd conv=notrunc,fsync):
# the file never moves or changes size, and only its first sector changes, so a
# power cut leaves either the old or the new block.

RB_ENV_KEYS="rb_id rb_default rb_trial rb_tries rb_fallback rb_ver_A rb_ver_B"

# env_read FILE: sets the rb_* variables from the block.
env_read() {
  for k in $RB_ENV_KEYS; do eval "$k="; done
  [ -r "$1" ] || return 1
  head -c 1024 "$1" | head -n 1 | grep -q '^# GRUB Environment Block$' || return 1
  while IFS= read -r line; do
    case "$line" in
      rb_*=*) k=${line%%=*}; v=${line#*=}
        case " $RB_ENV_KEYS " in *" $k "*) eval "$k=\$v" ;; esac ;;
    esac
  done <<EOT
$(head -c 1024 "$1" | tr -d '#')
EOT
}

# env_write FILE: writes the current rb_* variables as the new block.
env_write() {
  f=$1 tmp=${TMPDIR:-/tmp}/rb-env.$$
  {
    echo '# GRUB Environment Block'
    for k in $RB_ENV_KEYS; do eval "echo \"$k=\$$k\""; done
  } >"$tmp"
  n=$(wc -c <"$tmp")
  if [ "$n" -gt 512 ]; then echo "env block too long ($n bytes)" >&2; rm -f "$tmp"; return 1; fi
  head -c $((1024 - n)) /dev/zero | tr '\000' '#' >>"$tmp"
  if [ -f "$f" ]; then
    dd if="$tmp" of="$f" bs=1024 count=1 conv=notrunc,fsync 2>/dev/null || { rm -f "$tmp"; return 1; }
  else
    dd if="$tmp" of="$f" bs=1024 count=1 conv=fsync 2>/dev/null || { rm -f "$tmp"; return 1; }
  fi
  rm -f "$tmp"
  sync
}

env_other() { if [ "$1" = A ]; then echo B; else echo A; fi; }
env_ver() { eval "echo \"\${rb_ver_$1:-}\""; }
env_tries() { n=${1:-3}; s=""; while [ "$n" -gt 0 ]; do s="${s}x"; n=$((n - 1)); done; echo "$s"; }

# One line describing the slots, for humans and for the server.
env_state() {
  echo "RB-STATE default=${rb_default:-} trial=${rb_trial:-} tries=${#rb_tries} fallback=${rb_fallback:-} A=${rb_ver_A:-} B=${rb_ver_B:-} id=${rb_id:-}"
}

# Rollback: cancels a pending trial, else makes the other slot the default.
env_rollback() {
  if [ -n "$rb_trial" ]; then
    rb_trial="" rb_tries=""
  else
    o=$(env_other "$rb_default")
    [ -n "$(env_ver "$o")" ] || { echo "slot $o holds no system: nothing to roll back to" >&2; return 1; }
    rb_default=$o
  fi
  rb_fallback=""
}
