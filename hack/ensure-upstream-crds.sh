#!/usr/bin/env bash
# ensure-upstream-crds.sh — copies upstream CRD YAMLs out of released Go modules (fetched with
# `go mod download -json MODULE@VERSION`, .Dir field) into
#   ${CAPKIT_CRD_CACHE:-$HOME/.cache/capkit/upstream-crds}/<group>/*.yaml
# with groups capi, metal3, kamaji, byoh, flux, argocd — the same flat layout and file names as
# shared/upstream-crds (see its SOURCE.md). Versions come from hack/versions.env.
#
# A source whose module the proxy can't serve (or that lacks the files) falls back to the same
# files in $REPO_ROOT/../shared/upstream-crds/<group>/ and says so. (As of writing:
# github.com/metal3-io/cluster-api-provider-metal3 is not verifiable through the checksum
# database reachable here, so the Metal3Cluster/Machine/... CRDs come from shared/.)
# The Metal3 IPAM CRDs (ipam.metal3.io, github.com/metal3-io/ip-address-manager) have no copy in shared/:
# without that module the script stops with a message.
#
# Usage: hack/ensure-upstream-crds.sh [--refresh]
#   Prints the cache folder on stdout; progress and per-group file counts on stderr.
#   --refresh  rebuild even if the cache matches the pinned versions.
# Atomic: the whole tree is assembled in a temp folder and renamed into place.
set -euo pipefail

LOG_TAG=ensure-upstream-crds
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REFRESH=0
for arg in "$@"; do
  case "$arg" in
    --refresh) REFRESH=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

START="$(now_s)"
CRD_CACHE="${CAPKIT_CRD_CACHE:-$HOME/.cache/capkit/upstream-crds}"
SHARED_CRDS="$REPO_ROOT/../shared/upstream-crds"
GROUPS_ALL=(capi metal3 kamaji byoh flux argocd)

# group | module | version | folder in the module | file glob | fallback globs in shared/<group>/
SOURCES="
capi|sigs.k8s.io/cluster-api|$CAPI_VERSION|core/config/crd/bases|*.yaml|addons.cluster.x-k8s.io_*.yaml cluster.x-k8s.io_*.yaml ipam.cluster.x-k8s.io_*.yaml runtime.cluster.x-k8s.io_*.yaml
capi|sigs.k8s.io/cluster-api|$CAPI_VERSION|bootstrap/kubeadm/config/crd/bases|*.yaml|bootstrap.cluster.x-k8s.io_*.yaml
capi|sigs.k8s.io/cluster-api|$CAPI_VERSION|controlplane/kubeadm/config/crd/bases|*.yaml|controlplane.cluster.x-k8s.io_*.yaml
capi|sigs.k8s.io/cluster-api|$CAPI_VERSION|cmd/clusterctl/config/crd/bases|*.yaml|clusterctl.cluster.x-k8s.io_*.yaml
metal3|github.com/metal3-io/cluster-api-provider-metal3|$CAPM3_VERSION|config/crd/bases|infrastructure.cluster.x-k8s.io_metal3*.yaml|infrastructure.cluster.x-k8s.io_metal3*.yaml
metal3|github.com/metal3-io/baremetal-operator|$BMO_VERSION|config/base/crds/bases|metal3.io_*.yaml|metal3.io_*.yaml
metal3|github.com/metal3-io/ip-address-manager|$IPAM_VERSION|config/crd/bases|ipam.metal3.io_*.yaml|ipam.metal3.io_*.yaml
kamaji|github.com/clastix/cluster-api-control-plane-provider-kamaji|$KAMAJI_CP_VERSION|config/crd/bases|*.yaml|*.yaml
byoh|github.com/vmware-tanzu/cluster-api-provider-bringyourownhost|$BYOH_VERSION|config/crd/bases|*.yaml|*.yaml
flux|github.com/fluxcd/helm-controller|$FLUX_HELM_CONTROLLER_VERSION|config/crd/bases|*.yaml|helm.toolkit.fluxcd.io_*.yaml
flux|github.com/fluxcd/source-controller|$FLUX_SOURCE_CONTROLLER_VERSION|config/crd/bases|*.yaml|source.toolkit.fluxcd.io_*.yaml
flux|github.com/fluxcd/kustomize-controller|$FLUX_KUSTOMIZE_CONTROLLER_VERSION|config/crd/bases|*.yaml|kustomize.toolkit.fluxcd.io_*.yaml
argocd|github.com/argoproj/argo-cd/v3|$ARGOCD_VERSION|manifests/crds|*-crd.yaml|*-crd.yaml
"
# The stamp records what the cache was built from; any change in versions/paths rebuilds it.
STAMP_WANT="$(printf 'capkit upstream-crds v1\n%s' "$SOURCES")"

count_yaml() { find "$1" -maxdepth 1 -type f -name '*.yaml' 2>/dev/null | wc -l | tr -d ' '; }

cache_ok() {
  [[ -f "$CRD_CACHE/.capkit-stamp" ]] || return 1
  [[ "$(sed -n '1,/^--- result$/p' "$CRD_CACHE/.capkit-stamp" | sed '$d')" == "$STAMP_WANT" ]] || return 1
  local g
  for g in "${GROUPS_ALL[@]}"; do [[ "$(count_yaml "$CRD_CACHE/$g")" -gt 0 ]] || return 1; done
  if grep -qx built-without-go "$CRD_CACHE/.capkit-stamp" && command -v go >/dev/null 2>&1; then
    [[ -n "${NOTED_NOGO:-}" ]] || log "cache was built without Go (all from shared/); Go is available now, rebuilding"
    NOTED_NOGO=1
    return 1
  fi
}

summary() {
  local g line
  for g in "${GROUPS_ALL[@]}"; do
    line="$(grep "^$g " "$CRD_CACHE/.capkit-stamp" | sed "s/^$g //" || true)"
    log "  $g: $(count_yaml "$CRD_CACHE/$g") files  ($line)"
  done
}

if [[ "$REFRESH" == 0 ]] && cache_ok; then
  log "ok: $CRD_CACHE up to date ($(elapsed "$START")s)"
  summary
  printf '%s\n' "$CRD_CACHE"
  exit 0
fi

with_lock upstream-crds
if [[ "$REFRESH" == 0 ]] && cache_ok; then
  log "ok: $CRD_CACHE was completed by another run"; summary; printf '%s\n' "$CRD_CACHE"; exit 0
fi

HAVE_GO=1
if ! command -v go >/dev/null 2>&1; then
  HAVE_GO=0
  log "Go is not installed: every group falls back to $SHARED_CRDS"
else
  export GOWORK=off
fi

PARENT="$(dirname "$CRD_CACHE")"
mkdir -p "$PARENT"
rm -rf "$PARENT"/.upstream-crds.tmp.* "$PARENT"/.upstream-crds.old.* 2>/dev/null || true
STAGE="$(mktemp -d "$PARENT/.upstream-crds.tmp.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
for g in "${GROUPS_ALL[@]}"; do mkdir -p "$STAGE/$g"; done

declare -A ORIGIN=()   # group -> "module@version, ..." description
add_origin() { [[ ", ${ORIGIN[$1]:-}, " == *", $2, "* ]] || ORIGIN[$1]="${ORIGIN[$1]:+${ORIGIN[$1]}, }$2"; }

# copy_glob SRC_DIR DEST_DIR GLOB...: copies matching CRD files, prints how many.
copy_glob() {
  local src="$1" dst="$2" n=0 f; shift 2
  local pat
  for pat in "$@"; do
    for f in "$src"/$pat; do
      [[ -f "$f" ]] || continue
      grep -q '^kind: CustomResourceDefinition' "$f" || continue
      cp "$f" "$dst/$(basename "$f")"
      chmod 0644 "$dst/$(basename "$f")"
      n=$((n + 1))
    done
  done
  printf '%s\n' "$n"
}

# shared_tag MODULE: the tag SOURCE.md lists for the module's repository.
shared_tag() {
  local repo="${1#github.com/}"
  repo="${repo%/v[0-9]*}"
  [[ "$1" == sigs.k8s.io/* ]] && repo="kubernetes-sigs/${1#sigs.k8s.io/}"
  awk -F'|' -v r="$repo" '{ gsub(/ /, "", $3); gsub(/ /, "", $4) } $3 == r { print $4; exit }' \
    "$SHARED_CRDS/SOURCE.md" 2>/dev/null || true
}

declare -A MODDIR=()   # module@version -> dir ("" when the download failed)
while IFS='|' read -r group mod ver sub glob fbglobs; do
  [[ -n "$group" ]] || continue
  key="$mod@$ver"
  if [[ -z "${MODDIR[$key]+x}" ]]; then
    MODDIR[$key]=""
    if [[ "$HAVE_GO" == 1 ]]; then
      log "fetching $key ..."
      if d="$(go_mod_download "$mod" "$ver")"; then MODDIR[$key]="$d"; fi
    fi
  fi
  n=0
  if [[ -n "${MODDIR[$key]}" && -d "${MODDIR[$key]}/$sub" ]]; then
    n="$(copy_glob "${MODDIR[$key]}/$sub" "$STAGE/$group" "$glob")"
  elif [[ -n "${MODDIR[$key]}" ]]; then
    log "$key has no $sub"
  fi
  if [[ "$n" -gt 0 ]]; then
    add_origin "$group" "$key"
    continue
  fi
  # Fallback: the same files from shared/upstream-crds/<group>.
  [[ -d "$SHARED_CRDS/$group" ]] ||
    die "$key:$sub unavailable and no fallback folder $SHARED_CRDS/$group (is shared/ cloned beside the repo?)"
  read -r -a fb <<<"$fbglobs"
  n="$(copy_glob "$SHARED_CRDS/$group" "$STAGE/$group" "${fb[@]}")"
  [[ "$n" -gt 0 ]] || die "$key:$sub unavailable and fallback $SHARED_CRDS/$group has no files matching $fbglobs"
  stag="$(shared_tag "$mod")"
  log "FALLBACK: $key:$sub not usable from the Go proxy; copied $n files ($fbglobs) from $(cd "$SHARED_CRDS" && pwd)/$group (tag ${stag:-?} per its SOURCE.md)"
  add_origin "$group" "$mod@${stag:-?} from shared/upstream-crds (fallback)"
done <<<"$SOURCES"

{
  printf '%s\n' "$STAMP_WANT"
  echo "--- result"
  for g in "${GROUPS_ALL[@]}"; do printf '%s %s\n' "$g" "${ORIGIN[$g]:-none}"; done
  # Built without Go: a later run that has Go rebuilds from the modules.
  [[ "$HAVE_GO" == 1 ]] || echo "built-without-go"
} >"$STAGE/.capkit-stamp"

for g in "${GROUPS_ALL[@]}"; do
  [[ "$(count_yaml "$STAGE/$g")" -gt 0 ]] || die "group $g ended up empty"
done

OLD=""
if [[ -e "$CRD_CACHE" ]]; then
  OLD="$(mktemp -u "$PARENT/.upstream-crds.old.XXXXXX")"
  mv "$CRD_CACHE" "$OLD"
fi
mv "$STAGE" "$CRD_CACHE"
trap - EXIT
if [[ -n "$OLD" ]]; then rm -rf "$OLD"; fi

log "wrote $CRD_CACHE in $(elapsed "$START")s:"
summary
# Informational: how the result differs from the checked-in snapshot.
if [[ -d "$SHARED_CRDS" ]]; then
  for g in "${GROUPS_ALL[@]}"; do
    [[ -d "$SHARED_CRDS/$g" ]] || continue
    d="$(diff -rq "$SHARED_CRDS/$g" "$CRD_CACHE/$g" 2>/dev/null | wc -l | tr -d ' ')"
    [[ "$d" == 0 ]] || log "  note: $g differs from shared/upstream-crds/$g in $d file(s) (different pinned version)"
  done
fi
printf '%s\n' "$CRD_CACHE"
