# shellcheck shell=sh
# A GUID partition table written with busybox alone (printf, dd, crc32), so the
# ISO needs no sfdisk and its libraries (0.36 MB): protective MBR, header and
# 128-entry array at the start of the disk, their backup at its end (UEFI 2.10
# section 5.3). Numbers become octal escapes by shell arithmetic and printf
# writes each structure.
#
# Processes are few on purpose: a fork costs 5-10 ms under TCG, and a command
# substitution $(...) of a shell function is a fork too. So the encoders below
# append to the variable E instead of printing (E=""; e_le 92 4; e_hex ...),
# and the whole table takes one hexdump, three crc32 and four dd (was 120
# substitutions, 0.9-2 s).
#
#   gpt_write DISK ENTRIES   ENTRIES: one line per partition (at most 5), in
#                            order, "FIRST_LBA LAST_LBA TYPE NAME"
# TYPE and the GUIDs inside are hex strings in on-disk byte order (gpt_guid
# converts the textual form); the disk and partition GUIDs are random.
# GPT_SYS and GPT_DEV (default /sys/block, /dev) let a test write a table into
# a plain file.

GPT_ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
GPT_LINUX_TYPE=0FC63DAF-8483-4772-8E79-3D69D8477DE4
GPT_BIOS_TYPE=21686148-6449-6E6F-744E-656564454649

# E += value $1 as $2 bytes, little endian
e_le() {
  _v=$1 _n=$2
  while [ "$_n" -gt 0 ]; do
    E="$E\\$(((_v >> 6) & 3))$(((_v >> 3) & 7))$((_v & 7))"
    _v=$((_v >> 8)); _n=$((_n - 1))
  done
}

# E += the bytes of hex string $1 (two digits per byte, in order)
e_hex() {
  _h=$1
  while [ -n "$_h" ]; do
    _b=$((0x${_h%"${_h#??}"})); _h=${_h#??}
    E="$E\\$(((_b >> 6) & 3))$(((_b >> 3) & 7))$((_b & 7))"
  done
}

# E += $1 zero bytes
e_zeros() {
  _z='\000' _k=$1
  while [ "$_k" -gt 0 ]; do
    [ $((_k & 1)) -eq 1 ] && E="$E$_z"
    _z="$_z$_z"; _k=$((_k >> 1))
  done
}

# E += ASCII $1 as UTF-16LE, without a terminator (also efiboot.sh's)
e_utf16() {
  _s=$1
  while [ -n "$_s" ]; do
    _c=${_s%"${_s#?}"}; _s=${_s#?}
    case "$_c" in '\') E="$E\\134\\000" ;; *) E="$E$_c\\000" ;; esac
  done
}

# X := $1 (0..255) as two upper-case hex digits
hex2() {
  X=""
  for _d in $((($1 >> 4) & 15)) $(($1 & 15)); do
    case $_d in 10) _d=A ;; 11) _d=B ;; 12) _d=C ;; 13) _d=D ;; 14) _d=E ;; 15) _d=F ;; esac
    X=$X$_d
  done
}

# GPT_GUID := textual GUID $1 as hex in on-disk order (first three fields little endian)
gpt_guid() {
  _r=$1
  _g1=${_r%%-*}; _r=${_r#*-}; _g2=${_r%%-*}; _r=${_r#*-}; _g3=${_r%%-*}; _r=${_r#*-}
  _sw=""
  while [ -n "$_g1" ]; do _sw="${_g1%"${_g1#??}"}$_sw"; _g1=${_g1#??}; done
  GPT_GUID="$_sw${_g2#??}${_g2%??}${_g3#??}${_g3%??}${_r%%-*}${_r#*-}"
}

# GPT_G := hex GUID from the 32 random hex digits $1, version 4 / variant 1 bits set.
gpt_v4() {
  _r=$1
  _h=${_r#????????????}; _h=${_h%????????????????}        # bytes 6..7
  _w=${_r#????????????????}; _w=${_w%????????????}        # bytes 8..9
  hex2 $(((0x${_h#??} & 15) | 64)); GPT_G="${_r%????????????????????}${_h%??}$X"
  hex2 $(((0x${_w%??} & 63) | 128)); GPT_G="$GPT_G$X${_w#??}${_r#????????????????????}"
}

# CRC32 of file $1 as a number, in GPT_CRC
gpt_crc() { _c=$(crc32 "$1") && GPT_CRC=$((0x${_c%% *})); }

# E += header (92 bytes) with the given LBAs and CRCs.
e_header() { # my alt first last diskguid entrylba entriescrc headercrc
  E="${E}EFI PART"
  e_le 65536 4; e_le 92 4; e_le "$8" 4; e_le 0 4
  e_le "$1" 8; e_le "$2" 8; e_le "$3" 8; e_le "$4" 8
  e_hex "$5"; e_le "$6" 8; e_le 128 4; e_le 128 4; e_le "$7" 4
}

# Writes escapes $2 (they are the format) to file $1.
gpt_file() {
  # shellcheck disable=SC2059
  printf "$2" >"$1"
}

gpt_write() { # disk entries
  d=$1 sys=${GPT_SYS:-/sys/block} dev=${GPT_DEV:-/dev}
  read -r ss <"$sys/$d/queue/logical_block_size"
  read -r n <"$sys/$d/size"
  n=$((n * 512 / ss))
  ent=$((16384 / ss))
  first=$((2 + ent)) last=$((n - 2 - ent))
  w=${TMPDIR:-/tmp}/rb-gpt
  rnd="" k=0  # the disk's GUID, then one per partition
  while [ $k -lt 6 ]; do rb_random_hex; rnd=$rnd$RB_HEX; k=$((k + 1)); done
  gpt_v4 "${rnd%"${rnd#????????????????????????????????}"}"
  dg=$GPT_G
  E="" i=0
  while read -r f l t name; do
    [ -n "$f" ] || continue
    [ "$f" -ge "$first" ] && [ "$l" -le "$last" ] && [ "$f" -le "$l" ] || { echo "rescuebox: partition $name ($f..$l) outside $first..$last"; return 1; }
    [ $i -lt 5 ] || { echo "rescuebox: at most 5 partitions"; return 1; }
    [ ${#name} -le 36 ] || { echo "rescuebox: partition name $name longer than 36"; return 1; }
    i=$((i + 1))
    r=$rnd k=0
    while [ $k -lt $i ]; do r=${r#????????????????????????????????}; k=$((k + 1)); done
    gpt_v4 "${r%"${r#????????????????????????????????}"}"
    e_hex "$t"; e_hex "$GPT_G"; e_le "$f" 8; e_le "$l" 8; e_zeros 8
    e_utf16 "$name"; e_zeros $((72 - 2 * ${#name}))
  done <<EOF
$2
EOF
  e_zeros $((16384 - 128 * i)); entries=$E
  gpt_file "$w-entries" "$entries" || return 1
  gpt_crc "$w-entries" || return 1; ecrc=$GPT_CRC
  E=""; e_header 1 $((n - 1)) $first $last "$dg" 2 "$ecrc" 0
  gpt_file "$w-h" "$E" && gpt_crc "$w-h" || return 1
  E=""; e_header 1 $((n - 1)) $first $last "$dg" 2 "$ecrc" "$GPT_CRC"; e_zeros $((ss - 92)); primary=$E
  E=""; e_header $((n - 1)) 1 $first $last "$dg" $((n - 1 - ent)) "$ecrc" 0
  gpt_file "$w-h" "$E" && gpt_crc "$w-h" || return 1
  E=""; e_header $((n - 1)) 1 $first $last "$dg" $((n - 1 - ent)) "$ecrc" "$GPT_CRC"; e_zeros $((ss - 92)); backup=$E
  # protective MBR: one partition of type 0xEE over the whole disk (at most 2^32-1 sectors)
  pm=$((n - 1)); [ $pm -gt 4294967295 ] && pm=4294967295
  E=""; e_zeros 446; E="$E\\000\\000\\002\\000\\356\\377\\377\\377"; e_le 1 4; e_le $pm 4; e_zeros 48
  E="$E\\125\\252"; e_zeros $((ss - 512))
  gpt_file "$w-primary" "$E$primary$entries" && gpt_file "$w-backup" "$entries$backup" || return 1
  # old tables and signatures go first: the first and last MiB of the disk
  mib=$((1048576 / ss))
  # (one 1 MiB block each: 2048 sector-sized writes cost 0.1 s under TCG)
  dd if=/dev/zero of="$dev/$d" bs=1048576 count=1 conv=notrunc 2>/dev/null &&
    dd if=/dev/zero of="$dev/$d" bs=1048576 seek=$(((n - mib) * ss)) oflag=seek_bytes count=1 conv=notrunc 2>/dev/null &&
    dd if="$w-backup" of="$dev/$d" bs="$ss" seek=$((n - 1 - ent)) conv=notrunc 2>/dev/null &&
    dd if="$w-primary" of="$dev/$d" bs="$ss" conv=notrunc,fsync 2>/dev/null || return 1
  [ -b "$dev/$d" ] || return 0
  blockdev --rereadpt "$dev/$d"
}

# Partition $2 (1-based) of disk $1, read back from the primary table:
# GPT_E_GUID (on-disk hex), GPT_E_START, GPT_E_SIZE (LBAs).
gpt_entry() {
  sys=${GPT_SYS:-/sys/block} dev=${GPT_DEV:-/dev}
  read -r ss <"$sys/$1/queue/logical_block_size"
  off=$((2 * ss + ($2 - 1) * 128))
  GPT_E_GUID=$(hexdump -s $((off + 16)) -n 16 -e '16/1 "%02x"' "$dev/$1") || return 1
  # shellcheck disable=SC2046
  set -- $(od -An -t u8 -j $((off + 32)) -N 16 "$dev/$1")
  [ -n "$GPT_E_GUID" ] && [ $# -eq 2 ] || return 1
  GPT_E_START=$1 GPT_E_SIZE=$(($2 - $1 + 1))
}
