# shellcheck shell=sh
# Questions on the console. Every question has a default; a value given as a
# parameter (rb.<name>=...) becomes the default; in unattended mode (rb.auto=1)
# nothing is read. Answering "!" to any question opens the rescue shell.

RB_CR=$(printf '\r')

# ask NAME "Question" DEFAULT  -> sets $NAME
ask() {
  _n=$1 _q=$2 _d=$3
  eval "_g=\${rb_$_n-}"
  [ -n "$_g" ] && _d=$_g
  if [ "${rb_auto:-0}" = 1 ]; then
    eval "$_n=\$_d"
    rb_step ask "name=$_n" "value=$_d" auto
    return 0
  fi
  rb_step ask "name=$_n" "default=$_d"
  printf '%s [%s]: ' "$_q" "$_d"
  _a=""
  IFS= read -r _a || _a=""
  _a=${_a%"$RB_CR"}
  if [ "$_a" = "!" ]; then
    # a fresh install's disk job (install.sh) finishes before the shell looks at the disk
    [ -n "${RB_BG_PID:-}" ] && { say "finishing the disk work first"; wait "$RB_BG_PID"; cat /tmp/rb-install.log; }
    do_shell; exit 0
  fi
  [ -z "$_a" ] && _a=$_d
  eval "$_n=\$_a"
}

# confirm "Question" -> success when the answer is yes (default yes)
confirm() {
  ask "$1" "$2" yes
  eval "_c=\$$1"
  case "$_c" in y|Y|yes|YES|Yes) return 0 ;; *) rb_step "$1" cancelled; return 1 ;; esac
}

say() { echo "rescuebox: $*"; }
