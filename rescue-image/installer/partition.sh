# shellcheck shell=sh
# Fresh layout (GPT), the same for UEFI and legacy BIOS boots:
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
  /usr/sbin/sfdisk -q --wipe always --wipe-partitions always "/dev/$d" >/tmp/rb-sfdisk.log 2>&1 <<SF || { cat /tmp/rb-sfdisk.log; return 1; }
label: gpt
start=4096, size=64MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="rb-esp-$id"
size=${slot}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="rb-A-$id"
size=${slot}MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="rb-B-$id"
type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="rb-data-$id"
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name="rb-bios-$id"
SF
  for p in esp A B data bios; do rb_wait_part "rb-$p-$id" 10 >/dev/null || { rb_fail "reason=no-partition-$p"; return 1; }; done
}

mkfs_all() {
  d=$1
  /usr/sbin/mkfs.fat -F 32 -s 1 -n RBESP "$(part_dev "$d" 1)" >/dev/null 2>&1 || return 1
  /usr/sbin/mke2fs -q -F -t ext4 -L rbdata -E lazy_itable_init=1,lazy_journal_init=1,nodiscard "$(part_dev "$d" 4)" || return 1
}
