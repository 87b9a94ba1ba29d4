# shellcheck shell=sh
# Fresh layout (GPT, written by gpt.sh), the same for UEFI and legacy BIOS boots:
#   1 ESP     FAT32 64 MiB  rb-esp-<id>   GRUB EFI, grub.cfg, grubenv
#   2 slot A  raw squashfs  rb-A-<id>     + 64 KiB config block at its end
#   3 slot B  raw squashfs  rb-B-<id>
#   4 data    ext4, rest    rb-data-<id>
#   5 BIOS boot 1 MiB at LBA 2048 (fixed: the GRUB core image is patched for it)
# Slot size: rb.slotsize=MiB, default min(2048, (disk - 66 MiB) / 4).

part_dev() { # disk name, number -> device path (vda2, nvme0n1p2)
  case "$1" in *[0-9]) echo "/dev/${1}p$2" ;; *) echo "/dev/$1$2" ;; esac
}

partition_disk() {
  d=$1 id=$2 need_mib=$3
  total=$(disk_size_mib "$d")
  slot=${rb_slotsize:-$(((total - 66) / 4))}
  [ "$slot" -gt 2048 ] && [ -z "${rb_slotsize:-}" ] && slot=2048
  [ "$slot" -ge "$need_mib" ] || { rb_fail "reason=disk-too-small slot=${slot}MiB need=${need_mib}MiB"; return 1; }
  [ $((total - 66 - 2 * slot)) -ge 16 ] || { rb_fail "reason=disk-too-small for-data"; return 1; }
  rb_step partition start "disk=/dev/$d" "slot=${slot}MiB"
  ss=$(cat "/sys/block/$d/queue/logical_block_size")
  mib=$((1048576 / ss))
  n=$(($(cat "/sys/block/$d/size") * 512 / ss))
  esp=4096 a=$((4096 + 64 * mib))
  b=$((a + slot * mib)) data=$((a + 2 * slot * mib))
  # data ends on a MiB boundary before the backup table
  end=$(( (n - 2 - 16384 / ss + 1) / mib * mib - 1 ))
  gpt_guid "$GPT_LINUX_TYPE"; lin=$GPT_GUID
  gpt_guid "$GPT_ESP_TYPE"; espt=$GPT_GUID
  gpt_guid "$GPT_BIOS_TYPE"
  gpt_write "$d" "$esp $((a - 1)) $espt rb-esp-$id
$a $((b - 1)) $lin rb-A-$id
$b $((data - 1)) $lin rb-B-$id
$data $end $lin rb-data-$id
2048 4095 $GPT_GUID rb-bios-$id" || { rb_fail reason=gpt-write; return 1; }
  for p in esp A B data bios; do rb_wait_part "rb-$p-$id" 10 >/dev/null || { rb_fail "reason=no-partition-$p"; return 1; }; done
  # Slot B stays empty until an update: no old squashfs or configuration block
  # (its last 64 KiB) from an earlier install there. A, the ESP and data are
  # written over by the install itself.
  b=$(part_dev "$d" 3)
  dd if=/dev/zero of="$b" bs=65536 count=1 conv=fsync 2>/dev/null &&
    dd if=/dev/zero of="$b" bs=65536 seek=$((slot * 16 - 1)) count=1 conv=fsync 2>/dev/null
}

mkfs_all() {
  d=$1
  mkdosfs -n RBESP "$(part_dev "$d" 1)" >/dev/null 2>&1 || return 1
  # the image's own mke2fs (image_open mounted it), run inside it for its libraries
  mount -o bind /dev "$RB_IMG/dev" && mount -o bind /proc "$RB_IMG/proc" || return 1
  # UUID and hash seed given, so mke2fs does not read /dev/urandom (see rb_random_hex)
  rb_random_hex; fsuuid=$RB_UUID
  rb_random_hex; seed=${RB_UUID:+,hash_seed=$RB_UUID}
  chroot "$RB_IMG" /usr/sbin/mke2fs -q -F -t ext4 -L rbdata ${fsuuid:+-U "$fsuuid"} \
    -E "lazy_itable_init=1,lazy_journal_init=1,nodiscard$seed" "$(part_dev "$d" 4)" || return 1
}
