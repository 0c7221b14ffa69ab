#!/usr/bin/env bash
# ensure-base-image.sh — builds the small Debian base image RealBootE2E (and `make demo` with a real boot)
# boots: Debian bookworm from Debian's packages (debootstrap, minimal set) with the cloud kernel, systemd,
# cloud-init and DHCP, as a bootable qcow2 that starts the way a cloud image does: from its own disk,
# through firmware (SeaBIOS via GRUB in a BIOS boot partition, or UEFI via GRUB in an EFI system partition).
# No loop device, no mount, no download outside the Debian archive: the root filesystem is made with
# `mkfs.ext4 -d`, the EFI partition with `mkfs.vfat -C` + mtools, the GPT with sfdisk on a plain file, and
# GRUB's BIOS boot sector and core image written with dd (grub-bios-setup wants the build host's root device in
# its device map, which a container does not have); see "BIOS boot code" below.
#
# Usage: hack/ensure-base-image.sh            prints the qcow2 path on stdout
# Cache: ${XDG_CACHE_HOME:-~/.cache}/capkit/base-image/<suite>-<key>/ with base.qcow2, build.txt (build time,
#        sizes, kernel) and .complete, written last: a folder without it (an interrupted build) is rebuilt.
#        <key> hashes this script (the image depends on nothing else), so a change to it builds a new image. The debootstrapped
#        tree is kept in tree-<suite>-<hash of suite, mirror, packages>/ (with its own .complete) until an image is
#        built from it, so a failure while assembling does not repeat the download.
# Guest facts the provider and tests rely on: root filesystem label capkit-root, kernel console on
# ttyS0 (and tty0), cloud-init datasources NoCloud then None, ifupdown renders cloud-init's network config.
# Measured on the 2-core machine: see hack/README.md.
set -euo pipefail

LOG_TAG=ensure-base-image
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START="$(now_s)"
SUITE="${DEBIAN_BASE_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# debootstrap does not resolve virtual packages, so the ones cloud-init needs are named here.
# e2fsprogs (fsck, resize2fs) and cloud-guest-utils (growpart): cloud-init grows the root partition and filesystem
# to the machine's root disk size, as on a cloud image.
INCLUDE=linux-image-cloud-amd64,systemd-sysv,udev,cloud-init,ifupdown,isc-dhcp-client,iproute2,netbase,python3,wget,ca-certificates,dbus,python3-cffi-backend,initramfs-tools,e2fsprogs,cloud-guest-utils
# Tools to build the image (all Debian packages).
TOOLS=(debootstrap e2fsprogs fdisk dosfstools mtools grub-pc-bin grub-efi-amd64-bin qemu-utils)
ROOT_FS_MIB=1800
DISK_MIB=2048

KEY="$(sha256sum <"$0" | cut -c1-12)"
OUT_DIR="$CAPKIT_CACHE/base-image/$SUITE-$KEY"
IMAGE="$OUT_DIR/base.qcow2"

if [[ -f "$OUT_DIR/.complete" && -s "$IMAGE" ]]; then
  log "ok: $IMAGE ($(sed -n 's/^summary=//p' "$OUT_DIR/build.txt" 2>/dev/null)) ($(elapsed "$START")s)"
  printf '%s\n' "$IMAGE"
  exit 0
fi

with_lock "base-image-$KEY"
if [[ -f "$OUT_DIR/.complete" && -s "$IMAGE" ]]; then # built by the run we waited for
  printf '%s\n' "$IMAGE"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || die "debootstrap and mkfs.ext4 -d keep file owners only as root: run as root (CI runs make test as root)"

apt_install_missing "${TOOLS[@]}"
[[ ${#APT_INSTALLED[@]} -eq 0 ]] || log "build tools installed: ${APT_INSTALLED[*]} ($(elapsed "$START")s)"

log "building $SUITE base image into $OUT_DIR ..."
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"
WORK="$(mktemp -d "$CAPKIT_CACHE/base-image/.build-XXXXXX")"
TREE_KEY="$(printf '%s\n' "$SUITE" "$MIRROR" "$INCLUDE" | sha256sum | cut -c1-12)"
TREE_DIR="$CAPKIT_CACHE/base-image/tree-$SUITE-$TREE_KEY"
unmount_tree() { # debootstrap may leave /proc or /sys mounted in the target when it fails halfway
  for m in proc sys dev/pts dev; do umount "$1/$m" 2>/dev/null || true; done
}
trap 'rm -rf "$WORK"' EXIT

DEBOOTSTRAP_S=0
if [[ -f "$TREE_DIR/.complete" ]]; then
  log "reusing the debootstrapped tree $TREE_DIR"
else
  log "debootstrap $SUITE (minbase + $INCLUDE) from $MIRROR (cold: 2-5 min on 2 cores) ..."
  unmount_tree "$TREE_DIR/root"
  rm -rf "$TREE_DIR"
  mkdir -p "$TREE_DIR"
  T0="$(now_s)"
  if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$TREE_DIR/root" "$MIRROR" >"$TREE_DIR/debootstrap.log" 2>&1; then
    unmount_tree "$TREE_DIR/root"
    tail -n 30 "$TREE_DIR/debootstrap.log" >&2
    [[ -f "$TREE_DIR/root/debootstrap/debootstrap.log" ]] && tail -n 30 "$TREE_DIR/root/debootstrap/debootstrap.log" >&2
    die "debootstrap $SUITE failed (log above)"
  fi
  unmount_tree "$TREE_DIR/root"
  DEBOOTSTRAP_S="$(elapsed "$T0")"
  printf '%s\n' "$DEBOOTSTRAP_S" >"$TREE_DIR/debootstrap_s"
  touch "$TREE_DIR/.complete"
  log "debootstrap done in ${DEBOOTSTRAP_S}s"
fi
DEBOOTSTRAP_S="$(cat "$TREE_DIR/debootstrap_s")"
ROOT="$TREE_DIR/root"

KVER="$(basename "$(ls -1 "$ROOT"/boot/vmlinuz-* | sort -V | tail -n1)")"
KVER="${KVER#vmlinuz-}"
[[ -f "$ROOT/boot/initrd.img-$KVER" ]] || die "no initrd for kernel $KVER in the debootstrapped tree"

# Guest configuration: what a cloud image carries.
cat >"$ROOT/etc/fstab" <<'EOF'
LABEL=capkit-root / ext4 defaults,errors=remount-ro 0 1
EOF
cat >"$ROOT/etc/network/interfaces" <<'EOF'
auto lo
iface lo inet loopback
source /etc/network/interfaces.d/*
EOF
mkdir -p "$ROOT/etc/network/interfaces.d"
cat >"$ROOT/etc/cloud/cloud.cfg.d/90-capkit.cfg" <<'EOF'
# capkit base image: seeds come from a NoCloud ISO (label cidata); nothing else is probed.
datasource_list: [ NoCloud, None ]
EOF
: >"$ROOT/etc/machine-id"  # generated on first boot, one per machine
rm -f "$ROOT/var/lib/dbus/machine-id" "$ROOT/etc/hostname" "$ROOT/etc/ssh/ssh_host_"*
printf '127.0.0.1\tlocalhost\n' >"$ROOT/etc/hosts"
rm -rf "$ROOT/var/cache/apt/archives/"*.deb "$ROOT/var/lib/apt/lists/"* "$ROOT/debootstrap"

CMDLINE="root=LABEL=capkit-root ro console=tty0 console=ttyS0,115200n8 net.ifnames=0"
GRUB_CFG="$WORK/grub-embedded.cfg"
cat >"$GRUB_CFG" <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
search --no-floppy --label --set=root capkit-root
linux /boot/vmlinuz-$KVER $CMDLINE
initrd /boot/initrd.img-$KVER
boot
EOF

T1="$(now_s)"
# Root filesystem from the directory tree, no loop device.
mkfs.ext4 -q -L capkit-root -d "$ROOT" "$WORK/root.ext4" "${ROOT_FS_MIB}M" || die "mkfs.ext4 -d failed"

# GPT: 1 BIOS boot (GRUB core image), 2 EFI system partition, 3 root.
truncate -s "${DISK_MIB}M" "$WORK/disk.raw"
sfdisk -q "$WORK/disk.raw" >/dev/null <<EOF || die "sfdisk failed"
label: gpt
start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name=bios
start=4096, size=65536, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp
start=69632, size=$((ROOT_FS_MIB * 2048)), type=0FC63DAF-8483-4772-8E79-3D47C8E4F709, name=root
EOF

# UEFI: GRUB as \EFI\BOOT\BOOTX64.EFI (the removable-media path firmware boots without NVRAM entries).
GRUB_MODS_COMMON="part_gpt ext2 search search_label linux normal configfile echo serial terminal gzio test"
# shellcheck disable=SC2086
grub-mkimage -O x86_64-efi -p /EFI/BOOT -c "$GRUB_CFG" -o "$WORK/BOOTX64.EFI" $GRUB_MODS_COMMON fat efi_gop all_video ||
  die "grub-mkimage x86_64-efi failed"
mkfs.vfat -C -n CAPKIT-ESP "$WORK/esp.fat" $((65536 / 2)) >/dev/null || die "mkfs.vfat -C failed"
MTOOLS_SKIP_CHECK=1 mmd -i "$WORK/esp.fat" ::/EFI ::/EFI/BOOT || die "mmd failed"
MTOOLS_SKIP_CHECK=1 mcopy -i "$WORK/esp.fat" "$WORK/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI || die "mcopy failed"

# BIOS boot code, as grub-bios-setup writes it for a GPT disk with a BIOS boot partition (GRUB 2.06
# grub-core/boot/i386/pc/{boot,diskboot}.S): the core image goes to the partition's first sector, its first
# sector (diskboot) gets the block list of the rest (start LBA at 0x1f4, sector count at 0x1fc), and the MBR gets
# boot.img's code (bytes before 0x1b8, so the protective partition table stays) with the core image's LBA at
# 0x5c and the floppy drive check at 0x66 replaced by two NOPs. No Reed-Solomon codes (grub-install --no-rs-codes).
BIOS_BOOT_LBA=2048
# shellcheck disable=SC2086
grub-mkimage -O i386-pc -p '(hd0,gpt3)/boot/grub' -c "$GRUB_CFG" -o "$WORK/core.img" $GRUB_MODS_COMMON biosdisk ||
  die "grub-mkimage i386-pc failed"
CORE_SECTORS=$(( ($(stat -c %s "$WORK/core.img") + 511) / 512 ))
(( CORE_SECTORS <= 2048 )) || die "GRUB core image needs $CORE_SECTORS sectors, the BIOS boot partition has 2048"
cp /usr/lib/grub/i386-pc/boot.img "$WORK/boot.img"
le_bytes() { local n="$1" i out=""; for ((i = 0; i < $2; i++)); do out+="$(printf '\\x%02x' $(((n >> (8 * i)) & 0xff)))"; done; printf '%s' "$out"; }
put_le() { printf '%b' "$(le_bytes "$2" "$3")" | dd of="$1" bs=1 seek="$4" conv=notrunc status=none; }
put_le "$WORK/core.img" $((BIOS_BOOT_LBA + 1)) 8 $((0x1f4))
put_le "$WORK/core.img" $((CORE_SECTORS - 1)) 2 $((0x1fc))
put_le "$WORK/boot.img" "$BIOS_BOOT_LBA" 8 $((0x5c))
printf '\x90\x90' | dd of="$WORK/boot.img" bs=1 seek=$((0x66)) conv=notrunc status=none

dd if="$WORK/core.img" of="$WORK/disk.raw" bs=512 seek="$BIOS_BOOT_LBA" conv=notrunc status=none
dd if="$WORK/boot.img" of="$WORK/disk.raw" bs=1 count=$((0x1b8)) conv=notrunc status=none
dd if="$WORK/esp.fat" of="$WORK/disk.raw" bs=512 seek=4096 conv=notrunc,sparse status=none
dd if="$WORK/root.ext4" of="$WORK/disk.raw" bs=1M seek=34 conv=notrunc,sparse status=none

qemu-img convert -q -c -O qcow2 "$WORK/disk.raw" "$OUT_DIR/base.qcow2.tmp" || die "qemu-img convert failed"
mv "$OUT_DIR/base.qcow2.tmp" "$IMAGE"
ASSEMBLE_S="$(elapsed "$T1")"
BUILD_S="$(awk -v a="$DEBOOTSTRAP_S" -v b="$ASSEMBLE_S" 'BEGIN { printf "%.1f", a + b }')"
SIZE_MB="$(du -m --apparent-size "$IMAGE" | cut -f1)"
TREE_MB="$(du -sxm "$ROOT" | cut -f1)"
{
  printf 'suite=%s\nkernel=%s\ndebootstrap_s=%s\nassemble_s=%s\nbuild_s=%s\nqcow2_mb=%s\ntree_mb=%s\nvirtual_mib=%s\n' \
    "$SUITE" "$KVER" "$DEBOOTSTRAP_S" "$ASSEMBLE_S" "$BUILD_S" "$SIZE_MB" "$TREE_MB" "$DISK_MIB"
  printf 'summary=Debian %s, kernel %s, %s MB qcow2 (%s MB tree, %s MiB disk), built in %ss\n' \
    "$SUITE" "$KVER" "$SIZE_MB" "$TREE_MB" "$DISK_MIB" "$BUILD_S"
} >"$OUT_DIR/build.txt"
touch "$OUT_DIR/.complete"
rm -rf "$TREE_DIR" # the image holds it now
for old in "$CAPKIT_CACHE/base-image/$SUITE-"*; do # images of earlier versions of this script
  [[ "$old" == "$OUT_DIR" ]] || rm -rf "$old"
done
log "built $IMAGE: $(sed -n 's/^summary=//p' "$OUT_DIR/build.txt") (debootstrap ${DEBOOTSTRAP_S}s, assemble ${ASSEMBLE_S}s)"
printf '%s\n' "$IMAGE"
