# shellcheck shell=sh
# A GUID partition table written with busybox alone (printf, dd, crc32), so the
# ISO needs no sfdisk and its libraries (0.36 MB): protective MBR, header and
# 128-entry array at the start of the disk, their backup at its end (UEFI 2.10
# section 5.3). Numbers become octal escapes by shell arithmetic and printf
# writes each structure; processes are few on purpose (each costs milliseconds
# under TCG): one hexdump for all GUIDs, three crc32, four dd.
#
#   gpt_write DISK ENTRIES   ENTRIES: one line per partition (at most 5), in
#                            order, "FIRST_LBA LAST_LBA TYPE NAME"
# TYPE and the GUIDs inside are hex strings in on-disk byte order (gpt_guid
# converts the textual form); the disk and partition GUIDs are random.

GPT_ESP_TYPE=C12A7328-F81F-11D2-BA4B-00A0C93EC93B
GPT_LINUX_TYPE=0FC63DAF-8483-4772-8E79-3D69D8477DE4
GPT_BIOS_TYPE=21686148-6449-6E6F-744E-656564454649

# printf escapes of value $1 as $2 bytes, little endian
gpt_le() {
  v=$1 n=$2 o=""
  while [ "$n" -gt 0 ]; do
    o="$o\\$(((v >> 6) & 3))$(((v >> 3) & 7))$((v & 7))"
    v=$((v >> 8)); n=$((n - 1))
  done
  printf %s "$o"
}

# printf escapes of hex string $1 (two digits per byte, in order)
gpt_hex() {
  h=$1 o=""
  while [ -n "$h" ]; do
    b=$((0x${h%"${h#??}"})); h=${h#??}
    o="$o\\$(((b >> 6) & 3))$(((b >> 3) & 7))$((b & 7))"
  done
  printf %s "$o"
}

# printf escapes of $1 zero bytes
gpt_zeros() {
  z='\000' o="" k=$1
  while [ "$k" -gt 0 ]; do
    [ $((k & 1)) -eq 1 ] && o="$o$z"
    z="$z$z"; k=$((k >> 1))
  done
  printf %s "$o"
}

# Textual GUID -> hex in on-disk order (first three fields little endian).
gpt_guid() {
  IFS=- read -r g1 g2 g3 g4 g5 <<EOF
$1
EOF
  sw=""
  while [ -n "$g1" ]; do sw="${g1%"${g1#??}"}$sw"; g1=${g1#??}; done
  echo "$sw${g2#??}${g2%??}${g3#??}${g3%??}$g4$g5"
}

# printf escapes of ASCII $1 as UTF-16LE, without a terminator (also efiboot.sh's)
gpt_utf16() {
  s=$1 o=""
  while [ -n "$s" ]; do
    c=${s%"${s#?}"}; s=${s#?}
    case "$c" in '\') o="$o\\134\\000" ;; *) o="$o$c\\000" ;; esac
  done
  printf %s "$o"
}

# printf escapes of a partition name (at most 36 characters) as UTF-16LE, NUL padded to 72 bytes
gpt_name() {
  printf %s "$(gpt_utf16 "$1")$(gpt_zeros $((72 - 2 * ${#1})))"
}

# GPT_G := hex GUID from the 32 random hex digits $1, version 4 / variant 1 bits set.
gpt_v4() {
  r=$1
  h=${r#????????????}; h=${h%????????????????}        # bytes 6..7
  v=${r#????????????????}; v=${v%????????????}        # bytes 8..9
  GPT_G="${r%????????????????????}${h%??}$(printf %02x $(((0x${h#??} & 15) | 64)))"
  GPT_G="$GPT_G$(printf %02x $(((0x${v%??} & 63) | 128)))${v#??}${r#????????????????????}"
}

# CRC32 of file $1 as a number
gpt_crc() { c=$(crc32 "$1") && echo $((0x${c%% *})); }

# Header (92 bytes) with the given LBAs and CRCs.
gpt_header_esc() { # my alt first last diskguid entrylba entriescrc headercrc
  printf '%s' "EFI PART$(gpt_le 65536 4)$(gpt_le 92 4)$(gpt_le "$8" 4)$(gpt_le 0 4)$(gpt_le "$1" 8)$(gpt_le "$2" 8)$(gpt_le "$3" 8)$(gpt_le "$4" 8)$(gpt_hex "$5")$(gpt_le "$6" 8)$(gpt_le 128 4)$(gpt_le 128 4)$(gpt_le "$7" 4)"
}

# Writes escapes $2 (they are the format) to file $1.
gpt_file() {
  # shellcheck disable=SC2059
  printf "$2" >"$1"
}

gpt_write() { # disk entries
  d=$1
  read -r ss <"/sys/block/$d/queue/logical_block_size"
  read -r n <"/sys/block/$d/size"
  n=$((n * 512 / ss))
  ent=$((16384 / ss))
  first=$((2 + ent)) last=$((n - 2 - ent))
  w=/tmp/rb-gpt
  rnd=$(hexdump -n 96 -e '96/1 "%02x"' /dev/urandom)  # the disk's GUID, then one per partition
  gpt_v4 "${rnd%"${rnd#????????????????????????????????}"}"
  dg=$GPT_G
  o="" i=0
  while read -r f l t name; do
    [ -n "$f" ] || continue
    [ "$f" -ge "$first" ] && [ "$l" -le "$last" ] && [ "$f" -le "$l" ] || { echo "rescuebox: partition $name ($f..$l) outside $first..$last"; return 1; }
    [ $i -lt 5 ] || { echo "rescuebox: at most 5 partitions"; return 1; }
    i=$((i + 1))
    r=$rnd k=0
    while [ $k -lt $i ]; do r=${r#????????????????????????????????}; k=$((k + 1)); done
    gpt_v4 "${r%"${r#????????????????????????????????}"}"
    o="$o$(gpt_hex "$t")$(gpt_hex "$GPT_G")$(gpt_le "$f" 8)$(gpt_le "$l" 8)$(gpt_zeros 8)$(gpt_name "$name")"
  done <<EOF
$2
EOF
  entries="$o$(gpt_zeros $((16384 - 128 * i)))"
  gpt_file "$w-entries" "$entries" || return 1
  ecrc=$(gpt_crc "$w-entries") || return 1
  gpt_file "$w-h" "$(gpt_header_esc 1 $((n - 1)) $first $last "$dg" 2 "$ecrc" 0)" || return 1
  hcrc=$(gpt_crc "$w-h") || return 1
  primary="$(gpt_header_esc 1 $((n - 1)) $first $last "$dg" 2 "$ecrc" "$hcrc")$(gpt_zeros $((ss - 92)))"
  gpt_file "$w-h" "$(gpt_header_esc $((n - 1)) 1 $first $last "$dg" $((n - 1 - ent)) "$ecrc" 0)" || return 1
  hcrc=$(gpt_crc "$w-h") || return 1
  backup="$(gpt_header_esc $((n - 1)) 1 $first $last "$dg" $((n - 1 - ent)) "$ecrc" "$hcrc")$(gpt_zeros $((ss - 92)))"
  # protective MBR: one partition of type 0xEE over the whole disk (at most 2^32-1 sectors)
  pm=$((n - 1)); [ $pm -gt 4294967295 ] && pm=4294967295
  mbr="$(gpt_zeros 446)\\000\\000\\002\\000\\356\\377\\377\\377$(gpt_le 1 4)$(gpt_le $pm 4)$(gpt_zeros 48)\\125\\252$(gpt_zeros $((ss - 512)))"
  gpt_file "$w-primary" "$mbr$primary$entries" && gpt_file "$w-backup" "$entries$backup" || return 1
  # old tables and signatures go first: the first and last MiB of the disk
  mib=$((1048576 / ss))
  dd if=/dev/zero of="/dev/$d" bs="$ss" count=$mib conv=notrunc 2>/dev/null &&
    dd if=/dev/zero of="/dev/$d" bs="$ss" seek=$((n - mib)) count=$mib conv=notrunc 2>/dev/null &&
    dd if="$w-backup" of="/dev/$d" bs="$ss" seek=$((n - 1 - ent)) conv=notrunc 2>/dev/null &&
    dd if="$w-primary" of="/dev/$d" bs="$ss" conv=notrunc,fsync 2>/dev/null || return 1
  blockdev --rereadpt "/dev/$d"
}

# Partition $2 (1-based) of disk $1 as "GUID(on-disk hex) FIRST_LBA SIZE_LBAS",
# read back from the primary table.
gpt_entry() {
  read -r ss <"/sys/block/$1/queue/logical_block_size"
  off=$((2 * ss + ($2 - 1) * 128))
  g=$(hexdump -s $((off + 16)) -n 16 -e '16/1 "%02x"' "/dev/$1") || return 1
  # shellcheck disable=SC2046
  set -- $(od -An -t u8 -j $((off + 32)) -N 16 "/dev/$1")
  [ -n "$g" ] && [ $# -eq 2 ] || return 1
  echo "$g $1 $(($2 - $1 + 1))"
}
