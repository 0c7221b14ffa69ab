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

installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]; }

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

MISSING=()
# genisoimage also ships isoinfo, which the seed ISO tests read back with; libxml2-utils gives xmllint for virt-xml-validate.
for p in libvirt0 libvirt-clients genisoimage libxml2-utils; do installed "$p" || MISSING+=("$p"); done

if [[ ${#MISSING[@]} -eq 0 ]]; then
  log "ok: libvirt0, libvirt-clients, genisoimage, libxml2-utils already installed ($(elapsed "$START")s)"
  exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${MISSING[*]}"
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

APT_LOG="$(mktemp)"
trap 'rm -f "$APT_LOG"' EXIT
apt_run() { # quiet unless it fails
  if ! "${SUDO[@]}" apt-get "$@" >"$APT_LOG" 2>&1; then
    tail -n 30 "$APT_LOG" >&2
    die "apt-get $* failed"
  fi
}
log "missing: ${MISSING[*]}; running apt-get update ..."
apt_run update -q
log "installing: ${MISSING[*]} (apt-get install --no-install-recommends) ..."
apt_run install -y -q --no-install-recommends "${MISSING[@]}"
log "apt-get set up: $(tr -d '\r' <"$APT_LOG" | sed -n 's/^Setting up \([^ ]*\) (\(.*\)) \.\.\.$/\1=\2/p' | tr '\n' ' ')"

for p in "${MISSING[@]}"; do installed "$p" || die "$p still not installed after apt-get install"; done
for c in virsh virt-xml-validate; do command -v "$c" >/dev/null 2>&1 || die "$c not on PATH after installing libvirt-clients"; done
if ! command -v genisoimage >/dev/null 2>&1 && ! command -v xorriso >/dev/null 2>&1; then
  die "neither genisoimage nor xorriso on PATH"
fi
log "installed ${MISSING[*]} in $(elapsed "$START")s ($(virsh --version 2>/dev/null | sed 's/^/virsh /'))"
