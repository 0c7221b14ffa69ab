#!/usr/bin/env bash
# ensure-upstream-templates.sh — copies the upstream projects' own cluster templates, samples and the source files
# that say which fields their controllers read, out of released Go modules (`go mod download -json
# MODULE@VERSION`, .Dir field), into
#   ${CAPKIT_UPSTREAM_TEMPLATES:-$HOME/.cache/capkit/upstream-templates}/<source>/<path in the module>
# for UpstreamTemplatesTest (renderer), which holds every flavor's rendered objects against them. Versions come
# from hack/versions.env; `.capkit-stamp` records module@version per source, which the test prints.
#
# There is no fallback copy (shared/ holds CRDs only): a module the proxy cannot serve stops the script.
#
# Usage: hack/ensure-upstream-templates.sh [--refresh]
#   Prints the cache folder on stdout; progress on stderr. --refresh rebuilds even when up to date.
# Atomic: the tree is assembled in a temp folder and renamed into place.
set -euo pipefail

LOG_TAG=ensure-upstream-templates
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
CACHE="${CAPKIT_UPSTREAM_TEMPLATES:-$HOME/.cache/capkit/upstream-templates}"

# source | module | version | files in the module (space-separated)
SOURCES="
capm3|github.com/metal3-io/cluster-api-provider-metal3|$CAPM3_VERSION|examples/clusterctl-templates/clusterctl-cluster.yaml examples/templates/cluster.yaml docs/remediation-controller.md baremetal/metal3data_manager.go
kamaji|github.com/clastix/cluster-api-control-plane-provider-kamaji|$KAMAJI_CP_VERSION|config/samples/controlplane_v1alpha2_kamajicontrolplane.yaml docs/providers-metal3.md controllers/kamajicontrolplane_controller_tcp.go controllers/kamajicontrolplane_controller_cluster_patch.go
byoh|github.com/vmware-tanzu/cluster-api-provider-bringyourownhost|$BYOH_VERSION|test/e2e/data/infrastructure-provider-byoh/v1beta1/templates/vm/cluster-template.yaml installer/registry.go agent/cloudinit/cloudinit.go agent/cloudinit/cmd_runner.go
kube-vip|github.com/kube-vip/kube-vip|$KUBE_VIP_VERSION|pkg/kubevip/config_generator.go pkg/kubevip/config_envvar.go testing/e2e/kube-vip.yaml.tmpl
capv|sigs.k8s.io/cluster-api-provider-vsphere|$CAPV_VERSION|internal/kubevip/kube-vip.yaml internal/kubevip/kube-vip-prepare.sh
capi|sigs.k8s.io/cluster-api|$CAPI_VERSION|docs/book/src/tasks/automated-machine-management/healthchecking.md controlplane/kubeadm/pkg/workload_cluster_coredns.go cmd/clusterctl/client/cluster/objectgraph.go cmd/clusterctl/api/v1alpha3/labels.go
capi-api|sigs.k8s.io/cluster-api/api|$CAPI_VERSION|controlplane/kubeadm/v1beta2/kubeadm_control_plane_types.go
metallb|go.universe.tf/metallb|$METALLB_VERSION|controller/service.go
kubeadm|k8s.io/kubernetes|$K8S_VERSION|cmd/kubeadm/app/constants/constants.go cmd/kubeadm/app/cmd/phases/init/addons.go
"
STAMP_WANT="$(printf 'capkit upstream-templates v1\n%s' "$SOURCES")"

cache_ok() {
  [[ -f "$CACHE/.capkit-stamp" ]] || return 1
  [[ "$(sed -n '1,/^--- result$/p' "$CACHE/.capkit-stamp" | sed '$d')" == "$STAMP_WANT" ]]
}

if [[ "$REFRESH" == 0 ]] && cache_ok; then
  log "ok: $CACHE up to date ($(elapsed "$START")s)"
  printf '%s\n' "$CACHE"
  exit 0
fi

with_lock upstream-templates
if [[ "$REFRESH" == 0 ]] && cache_ok; then
  log "ok: $CACHE was completed by another run"; printf '%s\n' "$CACHE"; exit 0
fi
require_go

PARENT="$(dirname "$CACHE")"
mkdir -p "$PARENT"
rm -rf "$PARENT"/.upstream-templates.tmp.* "$PARENT"/.upstream-templates.old.* 2>/dev/null || true
STAGE="$(mktemp -d "$PARENT/.upstream-templates.tmp.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

RESULT=""
while IFS='|' read -r src mod ver files; do
  [[ -n "$src" ]] || continue
  log "fetching $mod@$ver ..."
  dir="$(go_mod_download "$mod" "$ver")" || die "cannot get $mod@$ver from the Go module proxy (needed by UpstreamTemplatesTest)"
  for f in $files; do
    [[ -f "$dir/$f" ]] || die "$mod@$ver has no $f"
    mkdir -p "$STAGE/$src/$(dirname "$f")"
    cp "$dir/$f" "$STAGE/$src/$f"
    chmod 0644 "$STAGE/$src/$f"
  done
  RESULT="${RESULT}${src} ${mod}@${ver}"$'\n'
done <<<"$SOURCES"

{
  printf '%s\n' "$STAMP_WANT"
  echo "--- result"
  printf '%s' "$RESULT"
} >"$STAGE/.capkit-stamp"

OLD=""
if [[ -e "$CACHE" ]]; then
  OLD="$(mktemp -u "$PARENT/.upstream-templates.old.XXXXXX")"
  mv "$CACHE" "$OLD"
fi
mv "$STAGE" "$CACHE"
trap - EXIT
if [[ -n "$OLD" ]]; then rm -rf "$OLD"; fi

log "wrote $CACHE in $(elapsed "$START")s ($(find "$CACHE" -type f ! -name .capkit-stamp | wc -l | tr -d ' ') files)"
printf '%s\n' "$CACHE"
