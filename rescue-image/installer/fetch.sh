# shellcheck shell=sh
# Finds the system image and verifies it before anything is written.
#   rb.image=http://HOST:PORT/system-v1.img   (or a path, e.g. on a mounted medium)
#   rb.manifest=URL  default: the image URL with .img replaced by .json
# The manifest is {"version":..,"sha256":..,"size":..[,"crc32":..][,"md5":..]}; the image is fetched
# into RAM (/tmp) and its size and sha256 checked against the manifest.
# Runs in the background from the installer's start; fetch_wait collects it,
# from the installer's shell or from a subshell (install.sh's disk job).

FETCH_DIR=/tmp/rb-fetch

# M_version M_size M_sha256 M_md5 M_crc32 := the manifest's fields (empty when
# absent). Builtins only: the disk job waits on it (a sed | head per field cost
# 0.1-0.3 s under TCG).
manifest_read() { # file
  _m=""
  while IFS= read -r _l || [ -n "$_l" ]; do _m="$_m$_l"; done <"$1"
  for _k in version size sha256 md5 crc32; do
    _v=""
    case "$_m" in
      *"\"$_k\""*)
        _v=${_m#*"\"$_k\""}; _v=${_v#*:}
        while :; do case "$_v" in [[:space:]]*) _v=${_v#?} ;; *) break ;; esac; done
        case "$_v" in
          \"*) _v=${_v#\"}; _v=${_v%%\"*} ;;
          *) _v=${_v%%[,\}[:space:]]*} ;;
        esac ;;
    esac
    eval "M_$_k=\$_v"
  done
}

get_url() { # URL FILE
  case "$1" in
    http://*|https://*|ftp://*) net_wait && wget -q -O "$2" "$1" ;;
    *) cp "$1" "$2" ;;
  esac
}

fetch_start() {
  [ -n "${FETCH_PID:-}" ] && return 0
  [ -n "${rb_image:-}" ] || return 1
  mkdir -p "$FETCH_DIR"
  rm -f "$FETCH_DIR/status"
  (
    # ok or fail on every way out, for fetch_wait (woken at once)
    trap '[ -s "$FETCH_DIR/status" ] || echo fail >"$FETCH_DIR/status"; rb_wake' EXIT
    rb_phase fetch
    m=${rb_manifest:-${rb_image%.img}.json}
    get_url "$m" "$FETCH_DIR/manifest.json" || { rb_fail "what=manifest url=$m"; exit 1; }
    get_url "$rb_image" "$FETCH_DIR/image" || { rb_fail "what=image url=$rb_image"; exit 1; }
    # stat, not `wc -c <file`: busybox wc reads every byte (3 s for 64 MB under TCG)
    got_size=$(stat -c %s "$FETCH_DIR/image")
    rb_ok "size=$got_size"
    rb_phase verify
    manifest_read "$FETCH_DIR/manifest.json"
    want=$M_sha256 size=$M_size
    [ "$got_size" = "$size" ] || { rb_fail "reason=size want=$size got=$got_size"; exit 1; }
    got=$(sha256sum "$FETCH_DIR/image") && got=${got%% *}
    [ -n "$want" ] && [ "$got" = "$want" ] || { rb_fail "reason=sha256 want=$want got=$got"; exit 1; }
    rb_ok "sha256=$got" "version=$M_version"
    echo ok >"$FETCH_DIR/status"
  ) &
  FETCH_PID=$!
}

# Starts the fetch, asking for the image URL when none was given.
fetch_ensure() {
  if [ -z "${rb_image:-}" ]; then
    ask image "System image URL" "http://10.0.2.2:8080/system.img"
    rb_image=$image
  fi
  fetch_start
}

# Waits for the background fetch; sets IMG_FILE IMG_VERSION IMG_SIZE IMG_SHA
# and IMG_SUM, the read-back check: the manifest's crc32 when it has one (64 MB
# under TCG: crc32 0.6 s, md5 1.0 s, sha256 1.7-2.9 s), else its md5, else its
# sha256.
# Polls the job's status file instead of `wait`, which only works in the shell
# that started the job.
fetch_wait() {
  fetch_ensure || return 1
  while [ ! -s "$FETCH_DIR/status" ]; do rb_sleep 0.1; done
  read -r st <"$FETCH_DIR/status"
  [ "$st" = ok ] || { FETCH_PID=""; return 1; }
  manifest_read "$FETCH_DIR/manifest.json"
  IMG_FILE=$FETCH_DIR/image
  IMG_VERSION=$M_version IMG_SIZE=$M_size IMG_SHA=$M_sha256
  IMG_SUM="sha256 $IMG_SHA"
  case "$M_md5" in ????????????????????????????????) IMG_SUM="md5 $M_md5" ;; esac
  case "$M_crc32" in ????????) IMG_SUM="crc32 $M_crc32" ;; esac
}
