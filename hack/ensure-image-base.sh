#!/usr/bin/env bash
# ensure-image-base.sh — the root filesystem under capkit's container image (hack/build-image.sh):
#   debootstrap --variant=minbase $IMAGE_DEBIAN_SUITE + $IMAGE_BASE_PACKAGES (libvirt0 for the provider's libvirt
#   bindings, openssh-client for qemu+ssh:// hosts, ca-certificates), trimmed like Debian's -slim images (no docs,
#   man pages, locales, apt lists), plus the non-root user nonroot (uid/gid 65532, home /home/nonroot).
# Needs root (debootstrap) and the Debian archive ($CAPKIT_DEBIAN_MIRROR, default http://deb.debian.org/debian);
# installs debootstrap with apt-get when it is missing. No container registry, no Docker engine.
#
# Cache: ${XDG_CACHE_HOME:-~/.cache}/capkit/oci-base/<suite>-<key>/rootfs, <key> = hash of the suite, the package list
# and this script's recipe version; `.complete` (written last) lists the installed packages. Assembled in a temp
# folder beside it and renamed into place, so an interrupted run never leaves a cache that looks complete.
# Prints the rootfs path on stdout.
#
# Usage: hack/ensure-image-base.sh [--refresh]
set -euo pipefail

LOG_TAG=ensure-image-base
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REFRESH=0
for arg in "$@"; do
  case "$arg" in
    --refresh) REFRESH=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

START="$(now_s)"
MIRROR="${CAPKIT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
RECIPE="capkit oci-base v1 suite=$IMAGE_DEBIAN_SUITE packages=$IMAGE_BASE_PACKAGES uid=65532"
KEY="$(printf '%s' "$RECIPE" | sha256sum | cut -c1-12)"
BASE_DIR="$CAPKIT_CACHE/oci-base"
DEST="$BASE_DIR/$IMAGE_DEBIAN_SUITE-$KEY"

if [[ "$REFRESH" == 0 && -f "$DEST/.complete" && -x "$DEST/rootfs/bin/sh" ]]; then
  log "ok: $DEST ($(elapsed "$START")s)"
  printf '%s\n' "$DEST/rootfs"
  exit 0
fi

[[ "$(id -u)" == 0 ]] || die "debootstrap needs root to build the image base (run as root or with sudo)"
with_lock oci-base
if [[ "$REFRESH" == 0 && -f "$DEST/.complete" ]]; then # another run finished it while we waited
  printf '%s\n' "$DEST/rootfs"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || apt_install_missing debootstrap

mkdir -p "$BASE_DIR"
rm -rf "$BASE_DIR"/.tmp.* # leftovers of interrupted runs (we hold the lock)
TMP="$(mktemp -d "$BASE_DIR/.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
ROOT="$TMP/rootfs"
LOGF="$TMP/debootstrap.log"

log "debootstrap --variant=minbase $IMAGE_DEBIAN_SUITE + ${IMAGE_BASE_PACKAGES// /,} from $MIRROR ..."
if ! debootstrap --variant=minbase --include="${IMAGE_BASE_PACKAGES// /,}" \
    "$IMAGE_DEBIAN_SUITE" "$ROOT" "$MIRROR" >"$LOGF" 2>&1; then
  tail -n 30 "$LOGF" >&2
  die "debootstrap failed (log above)"
fi
log "debootstrap done ($(elapsed "$START")s); trimming"

# What Debian's -slim images drop, plus apt's downloaded lists and logs: nothing at run time reads them.
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* "$ROOT"/usr/share/locale/* \
  "$ROOT"/usr/share/lintian "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin \
  "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/*-old
find "$ROOT/var/log" -type f -delete
# Generated per machine; an image carries none (systemd-less containers never read it).
rm -f "$ROOT/etc/machine-id" "$ROOT/var/lib/dbus/machine-id"
: >"$ROOT/etc/hostname"
# debootstrap copies the build machine's resolver; the container runtime mounts its own.
: >"$ROOT/etc/resolv.conf"

# The image's user: uid/gid 65532 like distroless' "nonroot", no password, no login shell.
printf 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin\n' >>"$ROOT/etc/passwd"
printf 'nonroot:x:65532:\n' >>"$ROOT/etc/group"
printf 'nonroot:!:19000::::::\n' >>"$ROOT/etc/shadow"
install -d -m 0750 -o 65532 -g 65532 "$ROOT/home/nonroot"

chroot "$ROOT" dpkg-query -W -f='${Package} ${Version}\n' >"$TMP/packages"
{ printf '%s\nmirror=%s\n' "$RECIPE" "$MIRROR"; cat "$TMP/packages"; } >"$TMP/.complete"
rm -f "$LOGF"
rm -rf "$DEST"
chmod 0755 "$TMP"
mv "$TMP" "$DEST"
log "built $DEST: $(($(wc -l <"$DEST/packages"))) packages, $(du -sm "$DEST/rootfs" | cut -f1) MiB in $(elapsed "$START")s"
printf '%s\n' "$DEST/rootfs"
