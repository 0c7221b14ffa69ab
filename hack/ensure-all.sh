#!/usr/bin/env bash
# ensure-all.sh — everything a developer machine or CI needs before building/testing capkit:
#   1. Debian packages (libvirt0, libvirt-clients, genisoimage)   hack/ensure-system-packages.sh
#   2. kube-apiserver/kubectl/etcd for kube-api-test               hack/ensure-test-binaries.sh
#   3. upstream CRDs                                               hack/ensure-upstream-crds.sh
#   4. the real CAPI managers (core, kubeadm bootstrap/control plane) and clusterctl   hack/ensure-capi.sh
#   5. upstream templates the flavors are compared with            hack/ensure-upstream-templates.sh
#   6. the container image's base root filesystem (debootstrap)   hack/ensure-image-base.sh
#      (mvn's package phase runs hack/build-image.sh, which packs it with the JRE and capkit.jar)
#   7. libvirtd + QEMU running, NAT network and pool "default"    hack/ensure-libvirtd.sh
#   8. the Debian base image RealBootE2E boots                     hack/ensure-base-image.sh
# Each step is idempotent and fast when already done. Output goes to stderr.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
START="${EPOCHREALTIME:-$(date +%s)}"

TIMES=()
# run SCRIPT: runs one step (stdout dropped: some scripts print paths there) and records how long it took,
# so a cold set-up shows where its minutes went.
run() {
  local t0="${EPOCHREALTIME:-$(date +%s)}"
  "$HACK_DIR/$1" >/dev/null
  TIMES+=("$(awk -v a="$t0" -v b="${EPOCHREALTIME:-$(date +%s)}" -v n="${1%.sh}" 'BEGIN { printf "%s %.1fs", n, b - a }')")
}
run ensure-system-packages.sh
run ensure-test-binaries.sh
run ensure-upstream-crds.sh
run ensure-capi.sh
run ensure-upstream-templates.sh
run ensure-image-base.sh
run ensure-libvirtd.sh
run ensure-base-image.sh
printf '[ensure-all] steps: %s\n' "$(IFS=,; echo "${TIMES[*]}" | sed 's/,/, /g')" >&2

awk -v a="$START" -v b="${EPOCHREALTIME:-$(date +%s)}" \
  'BEGIN { printf "[ensure-all] done in %.1fs\n", b - a }' >&2
