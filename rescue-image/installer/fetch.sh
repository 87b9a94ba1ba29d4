# shellcheck shell=sh
# Finds the system image and verifies it before anything is written.
#   rb.image=http://HOST:PORT/system-v1.img   (or a path, e.g. on a mounted medium)
#   rb.manifest=URL  default: the image URL with .img replaced by .json
# The manifest is {"version":..,"sha256":..,"size":..}; the image is fetched
# into RAM (/tmp) and its size and sha256 checked against the manifest.
# Runs in the background from the installer's start; fetch_wait collects it.

FETCH_DIR=/tmp/rb-fetch

json_field() { sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" "$2" | head -n 1; }

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
  (
    rb_phase fetch
    rm -f "$FETCH_DIR/image.md5" "$FETCH_DIR/md5.pid"
    m=${rb_manifest:-${rb_image%.img}.json}
    get_url "$m" "$FETCH_DIR/manifest.json" || { rb_fail "what=manifest url=$m"; exit 1; }
    get_url "$rb_image" "$FETCH_DIR/image" || { rb_fail "what=image url=$rb_image"; exit 1; }
    rb_ok "size=$(wc -c <"$FETCH_DIR/image")"
    rb_phase verify
    want=$(json_field sha256 "$FETCH_DIR/manifest.json")
    size=$(json_field size "$FETCH_DIR/manifest.json")
    got=$(sha256sum "$FETCH_DIR/image" | cut -d' ' -f1)
    [ "$(wc -c <"$FETCH_DIR/image")" = "$size" ] || { rb_fail "reason=size want=$size"; exit 1; }
    [ -n "$want" ] && [ "$got" = "$want" ] || { rb_fail "reason=sha256 want=$want got=$got"; exit 1; }
    rb_ok "sha256=$got" "version=$(json_field version "$FETCH_DIR/manifest.json")"
    # md5 of the verified bytes, for the cheaper read-back check after the write
    # (slot.sh); computed while the questions are still being answered.
    # Not waited for by fetch_wait: slot_readback waits for image.md5 itself.
    (md5sum "$FETCH_DIR/image" | cut -d' ' -f1 >"$FETCH_DIR/image.md5.tmp" &&
      mv "$FETCH_DIR/image.md5.tmp" "$FETCH_DIR/image.md5") &
    echo $! >"$FETCH_DIR/md5.pid"
  ) &
  FETCH_PID=$!
}

# Waits for the background fetch; sets IMG_FILE IMG_VERSION IMG_SIZE IMG_SHA.
fetch_wait() {
  if [ -z "${rb_image:-}" ]; then
    ask image "System image URL" "http://10.0.2.2:8080/system.img"
    rb_image=$image
  fi
  fetch_start
  wait "$FETCH_PID" || { FETCH_PID=""; return 1; }
  IMG_FILE=$FETCH_DIR/image
  IMG_VERSION=$(json_field version "$FETCH_DIR/manifest.json")
  IMG_SIZE=$(json_field size "$FETCH_DIR/manifest.json")
  IMG_SHA=$(json_field sha256 "$FETCH_DIR/manifest.json")
}
