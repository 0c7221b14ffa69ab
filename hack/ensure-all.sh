#!/usr/bin/env bash
# ensure-all.sh — everything a developer machine or CI needs before building/testing capkit:
#   1. Debian packages (libvirt0, libvirt-clients, genisoimage)   hack/ensure-system-packages.sh
#   2. kube-apiserver/kubectl/etcd for kube-api-test               hack/ensure-test-binaries.sh
#   3. upstream CRDs                                               hack/ensure-upstream-crds.sh
#   4. the real CAPI managers (core, kubeadm bootstrap/control plane) and clusterctl   hack/ensure-capi.sh
#   5. upstream templates the flavors are compared with            hack/ensure-upstream-templates.sh
#   6. the container image's base root filesystem (debootstrap)   hack/ensure-image-base.sh
#      (mvn's package phase runs hack/build-image.sh, which packs it with the JRE and capkit.jar)
# Each step is idempotent and fast when already done. Output goes to stderr.
set -euo pipefail

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
START="${EPOCHREALTIME:-$(date +%s)}"

"$HACK_DIR/ensure-system-packages.sh"
"$HACK_DIR/ensure-test-binaries.sh"
"$HACK_DIR/ensure-upstream-crds.sh" >/dev/null
"$HACK_DIR/ensure-capi.sh" >/dev/null
"$HACK_DIR/ensure-upstream-templates.sh" >/dev/null
"$HACK_DIR/ensure-image-base.sh" >/dev/null

awk -v a="$START" -v b="${EPOCHREALTIME:-$(date +%s)}" \
  'BEGIN { printf "[ensure-all] done in %.1fs\n", b - a }' >&2
