# shellcheck shell=sh
# The verified image, opened before a fresh install touches a disk: what the
# install takes from it rather than from the ISO (docs/rescue-image.md): the
# GRUB binaries for the disk (/boot/rescuebox/) and the mke2fs for the data
# partition (partition.sh runs it inside the mounted image).
RB_BOOT_FILES="BOOTX64.EFI bios-core.img bios-mbr.bin"
RB_BOOT_DIR=/tmp/rb-boot
RB_IMG=/tmp/rb-img

# Mounts the verified image file $1 at $RB_IMG (read-only) before any disk is
# touched: copies its GRUB files to $RB_BOOT_DIR and checks that it has the
# mke2fs for the data partition (mkfs_all runs it there). Fails naming the
# first thing the image lacks. image_close undoes it.
image_open() { # image file
  rm -rf "$RB_BOOT_DIR" && mkdir -p "$RB_BOOT_DIR" "$RB_IMG"
  modprobe -q loop 2>/dev/null
  mount -t squashfs -o loop,ro "$1" "$RB_IMG" 2>/dev/null || { echo "rescuebox: cannot mount the image $1"; return 1; }
  for f in $RB_BOOT_FILES; do
    [ -s "$RB_IMG/boot/rescuebox/$f" ] || { echo "rescuebox: the image has no /boot/rescuebox/$f"; image_close; return 1; }
    cp "$RB_IMG/boot/rescuebox/$f" "$RB_BOOT_DIR/" || { image_close; return 1; }
  done
  [ -x "$RB_IMG/usr/sbin/mke2fs" ] && [ -d "$RB_IMG/dev" ] && [ -d "$RB_IMG/proc" ] ||
    { echo "rescuebox: the image has no /usr/sbin/mke2fs (or no /dev, /proc to run it in)"; image_close; return 1; }
}
image_close() {
  for m in "$RB_IMG/proc" "$RB_IMG/dev" "$RB_IMG"; do
    grep -q " $m " /proc/mounts && umount "$m"
  done
  return 0
}
