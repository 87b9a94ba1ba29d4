# shellcheck shell=bash
# The initramfs, in two profiles built from the same files:
#   rescue  kernel modules + busybox-static + e2fsck.static + the installer (the
#           ISO boots it): no glibc. GPT, FAT32 and the UEFI boot entry are written
#           by the installer with busybox (no sfdisk, mkfs.fat, efibootmgr); the
#           GRUB binaries for the target disk and the mke2fs for its data
#           partition come with the system image (see system.sh).
#   boot    kernel modules + busybox only; mounts an installed slot (inside every system image)
# Kernel modules: the names below plus their dependencies, resolved from the
# modules' own `depends` field; modules.dep is regenerated with depmod.

# Storage, USB virtual media, file systems and NICs the issue asks for.
RB_MODULES_STORAGE="virtio_pci virtio_blk virtio_scsi ahci ata_piix sd_mod sr_mod nvme usb-storage uas xhci-pci ehci-pci uhci-hcd ohci-pci"
RB_MODULES_FS="squashfs overlay vfat nls_ascii nls_cp437 nls_utf8 ext4 crc32c_generic crc32c-intel"
RB_MODULES_NET="virtio_net e1000 e1000e igb"
RB_MODULES_RESCUE="isofs qemu_fw_cfg efivarfs loop"
# Hardware watchdogs for trial boots (boot profile): QEMU's i6300esb, AMD's
# sp5100_tco, ACPI WDAT. Intel chipset TCO (iTCO_wdt + lpc_ich) is left out on
# purpose: QEMU's q35 has one, and every test VM would then arm it.
RB_MODULES_WATCHDOG="i6300esb sp5100_tco wdat_wdt"

# Resolves module $1 to its path below modules/ (names may use - or _).
mod_path() {
  local m=$1 p
  for p in "$m" "${m//_/-}" "${m//-/_}"; do
    local f
    f=$(grep -m1 -E "(^|/)$p\.ko$" "$kdir/modules/modules.order" 2>/dev/null | sed 's|^|'"$kdir"'/modules/|')
    [ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
    f=$(find "$kdir/modules/kernel" -name "$p.ko" -print -quit)
    [ -n "$f" ] && { echo "$f"; return 0; }
    grep -qE "/$p\.ko$" "$kdir/modules/modules.builtin" && { echo builtin; return 0; }
  done
  return 1
}

# Copies modules $2.. with their dependencies into initramfs root $1.
install_modules() {
  local r=$1; shift
  local dst="$r/lib/modules/$KVER" queue=("$@") seen=" " m f dep
  mkdir -p "$dst"
  while [ ${#queue[@]} -gt 0 ]; do
    m=${queue[0]}; queue=("${queue[@]:1}")
    case "$seen" in *" $m "*) continue ;; esac
    seen="$seen$m "
    f=$(mod_path "$m") || die "kernel module not found: $m"
    [ "$f" = builtin ] && continue
    mkdir -p "$dst/$(dirname "${f#"$kdir/modules/"}")"
    # No debug data, BTF or local symbols (about 15% of the xz size). This also
    # drops Debian's appended module signature: the kernel loads the module and
    # notes an unsigned-module taint (Secure Boot lockdown would refuse it; our
    # GRUB is unsigned, so Secure Boot is off anyway).
    strip --strip-unneeded -R .BTF -R .comment "$f" -o "$dst/${f#"$kdir/modules/"}"
    for dep in $(modinfo -F depends "$f" | tr ',' ' '); do queue+=("$dep"); done
  done
  cp "$kdir/modules/modules.builtin" "$kdir/modules/modules.order" "$dst/"
  [ -f "$kdir/modules/modules.builtin.modinfo" ] && cp "$kdir/modules/modules.builtin.modinfo" "$dst/"
  depmod -b "$r" "$KVER"
  # busybox modprobe reads the text files only, and neither the kernel-wide
  # module order nor the builtin modinfo (34 kB of xz) once depmod is done.
  rm -f "$dst"/*.bin "$dst/modules.order" "$dst/modules.builtin.modinfo"
}

build_initramfs() {
  local profile=$1 img=$2 r="$work/initramfs-$1"
  rm -rf "$r"
  mkdir -p "$r"/{proc,sys,dev,tmp,run,mnt,root,newroot,etc/modprobe.d,rb,usr/share/udhcpc}
  install_busybox "$r"
  install -m 0755 "$here/initramfs/init" "$r/init"
  install -m 0644 "$here/installer/common.sh" "$r/rb/common.sh"
  install -m 0755 "$here/initramfs/udhcpc.script" "$r/usr/share/udhcpc/default.script"
  echo "options usb-storage delay_use=0" >"$r/etc/modprobe.d/rescuebox.conf"
  # a disarmed watchdog must really stop, whatever the kernel's default (boot profile: trial boots)
  if [ "$profile" = boot ]; then
    # shellcheck disable=SC2086 # one line per module
    printf 'options %s nowayout=0\n' $RB_MODULES_WATCHDOG >>"$r/etc/modprobe.d/rescuebox.conf"
  fi
  echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
  echo "root:x:0:" >"$r/etc/group"
  echo "$profile" >"$r/etc/rb-profile"
  local mods="$RB_MODULES_STORAGE $RB_MODULES_FS $RB_MODULES_NET"
  [ "$profile" = boot ] && mods="$mods $RB_MODULES_WATCHDOG"
  if [ "$profile" = rescue ]; then
    mods="$mods $RB_MODULES_RESCUE ${RB_EXTRA_MODULES:-}"
    install -m 0644 "$here"/installer/*.sh "$r/rb/"
    install -m 0755 "$(command -v e2fsck.static)" "$r/usr/sbin/e2fsck"
    mkdir -p "$r/rb/boot"
    cp "$here/grub/disk.cfg" "$r/rb/boot/grub.cfg"
  fi
  # shellcheck disable=SC2086
  install_modules "$r" $mods
  if [ "$profile" = rescue ]; then make_cpio "$r" "$img" xz; else make_cpio "$r" "$img" zstd; fi
  log "initramfs $profile: $(size_of "$img") bytes, $(find "$r/lib/modules" -name '*.ko' | wc -l) modules"
}
