#!/usr/bin/env bash
# ensure-system-packages.sh — installs the Debian packages capkit's libvirt/NoCloud code and tests use:
#   libvirt0         libvirt C library (JNA loads libvirt.so.0; test:///default driver, no daemon)
#   libvirt-clients  virsh, virt-xml-validate (validates domain/volume/pool XML)
#   genisoimage      isoinfo, to read seed ISOs back in tests
#   libxml2-utils    xmllint, which virt-xml-validate runs
# Only missing packages are installed: `apt-get update` once, then
# `apt-get install --no-install-recommends` (no libvirt daemon gets pulled in), noninteractive.
# A warm run only asks dpkg and exits.
set -euo pipefail

LOG_TAG=ensure-system-packages
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

START="$(now_s)"

PACKAGES=(libvirt0 libvirt-clients genisoimage libxml2-utils)
apt_install_missing "${PACKAGES[@]}"
if [[ ${#APT_INSTALLED[@]} -eq 0 ]]; then
  log "ok: ${PACKAGES[*]} already installed ($(elapsed "$START")s)"
  exit 0
fi
for c in virsh virt-xml-validate; do command -v "$c" >/dev/null 2>&1 || die "$c not on PATH after installing libvirt-clients"; done
if ! command -v genisoimage >/dev/null 2>&1 && ! command -v xorriso >/dev/null 2>&1; then
  die "neither genisoimage nor xorriso on PATH"
fi
log "installed ${APT_INSTALLED[*]} in $(elapsed "$START")s ($(virsh --version 2>/dev/null | sed 's/^/virsh /'))"
