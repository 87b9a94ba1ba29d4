# shellcheck shell=bash
# Demo system images: busybox root + kernel + boot initramfs in a gzip squashfs
# (GRUB 2.06's squash4 reads gzip, xz and lzo, not zstd; gzip unpacks several
# times faster than xz under TCG: the install's chroot mke2fs starts in 0.3 s
# instead of 0.8 s, for 2 % more bytes, as kernel and initramfs are compressed
# already), plus a manifest JSON. Every image
# carries what a fresh install takes from it, which keeps it out of the ISO: the
# GRUB binaries for the disk in /boot/rescuebox/ (BOOTX64.EFI, bios-core.img,
# bios-mbr.bin) and the mke2fs (with its glibc) that formats the data partition.
#   build_system VERSION good|broken PADDING_MB NAME
# PADDING_MB of AES-CTR keystream seeded by the version: incompressible and
# different between versions, so an update rewrites most blocks of a slot.
build_system() {
  local ver=$1 kind=$2 pad=$3 name=$4 r="$work/sys-$4"
  rm -rf "$r"
  mkdir -p "$r"/{proc,sys,dev,tmp,run,mnt,root,data,boot/efi,etc,opt,usr/lib/rb}
  install_busybox "$r"
  cp "$kdir/vmlinuz" "$r/boot/vmlinuz"
  cp "$work/initrd-boot.img" "$r/boot/initrd.img"
  mkdir -p "$r/boot/rescuebox"
  cp "$work/grub/bootx64-disk.efi" "$r/boot/rescuebox/BOOTX64.EFI"
  cp "$work/grub/bios-core.img" "$work/grub/bios-mbr.bin" "$r/boot/rescuebox/"
  install_elf "$r" "$(command -v mke2fs)" /usr/sbin/mke2fs
  install -m 0644 "$here/installer/common.sh" "$r/usr/lib/rb/common.sh"
  install -m 0644 "$here/installer/env.sh" "$r/usr/lib/rb/env.sh"
  install -m 0755 "$here/system/rb-slot" "$r/usr/sbin/rb-slot"
  install -D -m 0755 "$here/initramfs/udhcpc.script" "$r/usr/share/udhcpc/default.script"
  if [ "$kind" = broken ] || [ "$kind" = hang ]; then
    install -m 0755 "$here/system/init-$kind" "$r/sbin/init"
  else
    install -m 0755 "$here/system/init" "$r/sbin/init"
  fi
  printf 'NAME=rescuebox-demo\nVERSION=%s\nKIND=%s\n' "$ver" "$kind" >"$r/etc/rb-release"
  echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
  echo "root:x:0:" >"$r/etc/group"
  printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1="\\h# "\n' >"$r/etc/profile"
  if [ "$pad" -gt 0 ]; then
    local key
    key=$(printf 'rescuebox-demo-%s' "$ver" | sha256sum | cut -c1-64)
    head -c $((pad * 1048576)) /dev/zero |
      openssl enc -aes-256-ctr -K "$key" -iv 00000000000000000000000000000000 >"$r/opt/padding.bin"
  fi
  fix_mtimes "$r"
  local img="$out/$name.img"
  rm -f "$img"
  mksquashfs "$r" "$img" -comp gzip -noappend -all-root -no-xattrs -quiet -no-progress \
    -processors 2 >/dev/null
  local sha crc size
  sha=$(sha256sum "$img" | cut -d' ' -f1)
  # crc32 by the busybox the installer runs: its cheaper read-back check of the
  # written slot (the sha256 guards the download)
  crc=$(busybox crc32 "$img" | cut -d' ' -f1)
  size=$(size_of "$img")
  printf '{"name":"rescuebox-demo","version":"%s","kind":"%s","image":"%s","sha256":"%s","crc32":"%s","size":%s}\n' \
    "$ver" "$kind" "$name.img" "$sha" "$crc" "$size" >"$out/$name.json"
  log "system $name: version $ver ($kind), $size bytes"
}
