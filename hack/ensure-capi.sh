#!/usr/bin/env bash
# ensure-capi.sh — builds the real Cluster API managers capkit is tested and demonstrated against, and
# clusterctl, from the Go module sigs.k8s.io/cluster-api at CAPI_VERSION (hack/versions.env), through the
# Go module proxy only. Prints the install folder on stdout (progress goes to stderr).
#
#   <cache>/capi/<version>/capi-manager                       sigs.k8s.io/cluster-api/core
#   <cache>/capi/<version>/kubeadm-bootstrap-manager          sigs.k8s.io/cluster-api/bootstrap/kubeadm
#   <cache>/capi/<version>/kubeadm-control-plane-manager      sigs.k8s.io/cluster-api/controlplane/kubeadm
#   <cache>/capi/<version>/clusterctl                         sigs.k8s.io/cluster-api/cmd/clusterctl
#   <cache>/bin/clusterctl -> ../capi/<version>/clusterctl    (where benchmarks and tests look for it)
# with <cache> = ${XDG_CACHE_HOME:-~/.cache}/capkit, beside the kube-apiserver build's wrapper modules.
#
# The Go module that pins every dependency is checked in: hack/capi-build/go.mod + go.sum (the binaries
# are its `tool` packages; built with -mod=readonly, so a go.sum mismatch fails instead of resolving
# anew). The version is stamped through ldflags into sigs.k8s.io/cluster-api/version, as CAPI's
# release builds do. Built into a staging folder beside the target and renamed when all four are built
# and report the pinned version: an interrupted build never looks complete; a corrupted or truncated
# binary (CRC32 recorded at install) makes the next run rebuild.
#
# Usage: hack/ensure-capi.sh [--verify]   (--verify also checks the recorded SHA-256 sums)
set -euo pipefail

LOG_TAG=ensure-capi
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

VERIFY=0
for arg in "$@"; do
  case "$arg" in
    --verify) VERIFY=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

START="$(now_s)"
MODULE_DIR="$HACK_DIR/capi-build"
CAPI_DIR="$CAPKIT_CACHE/capi"
DEST="$CAPI_DIR/$CAPI_VERSION"
BIN_LINK="$CAPKIT_CACHE/bin/clusterctl"
export CLUSTERCTL_DISABLE_VERSIONCHECK=true
# name=package, in build order (the managers share most packages; clusterctl last).
TARGETS=(
  "capi-manager=sigs.k8s.io/cluster-api/core"
  "kubeadm-bootstrap-manager=sigs.k8s.io/cluster-api/bootstrap/kubeadm"
  "kubeadm-control-plane-manager=sigs.k8s.io/cluster-api/controlplane/kubeadm"
  "clusterctl=sigs.k8s.io/cluster-api/cmd/clusterctl"
)

grep -q "^require sigs.k8s.io/cluster-api $CAPI_VERSION\$\|^[[:space:]]sigs.k8s.io/cluster-api $CAPI_VERSION\b" "$MODULE_DIR/go.mod" ||
  die "hack/capi-build/go.mod does not require sigs.k8s.io/cluster-api $CAPI_VERSION (versions.env); update it with: cd hack/capi-build && go get sigs.k8s.io/cluster-api@$CAPI_VERSION && go mod tidy"

marker_text() {
  printf 'capi=%s\ngo.sum=%s\n' "$CAPI_VERSION" "$(cksum <"$MODULE_DIR/go.sum")"
}

# bin_ok DIR NAME: present, executable, and its CRC32 as recorded at install (~0.1 s for all four: catches a
# truncated or corrupted file). On install and with --verify also the SHA-256 and that it starts and reports
# the pinned version (a second or more each: the managers initialise large packages before parsing flags).
bin_ok() {
  local dir="$1" name="$2" out
  [[ -f "$dir/$name" && -x "$dir/$name" && -s "$dir/$name" ]] || return 1
  [[ "$(grep " $name\$" "$dir/.capkit-cksum" 2>/dev/null)" == "$(cd "$dir" && cksum "$name")" ]] || return 1
  [[ "$VERIFY" == 1 ]] || return 0
  (cd "$dir" && grep "  $name\$" .capkit-sha256 | sha256sum -c --status -) || return 1
  case "$name" in
    clusterctl) out="$("$dir/$name" version -o short 2>/dev/null </dev/null)" || return 1
                [[ "$out" == "$CAPI_VERSION" ]] ;;
    *)          # the managers have no version flag: --help proves the binary loads, the stamped version
                # string is looked for in the binary.
                "$dir/$name" --help >/dev/null 2>&1 </dev/null || return 1
                grep -aqF "$CAPI_VERSION" "$dir/$name" ;;
  esac
}

cache_ok() {
  [[ -d "$DEST" && -f "$DEST/.capkit-build" ]] || return 1
  [[ "$(cat "$DEST/.capkit-build")" == "$(marker_text)" ]] || return 1
  local t
  for t in "${TARGETS[@]}"; do bin_ok "$DEST" "${t%%=*}" || return 1; done
}

# The managers' own admission webhook manifests (service references; the test harness rewrites them to
# URL + caBundle), copied from the module beside the binaries so tests need no Go module cache.
WEBHOOKS=(core=core bootstrap=bootstrap/kubeadm controlplane=controlplane/kubeadm)
webhooks_ok() {
  local w
  for w in "${WEBHOOKS[@]}"; do [[ -s "$1/webhooks/${w%%=*}.yaml" ]] || return 1; done
}
copy_webhooks() { # DIR
  local src w tmp
  src="$(go_mod_download sigs.k8s.io/cluster-api "$CAPI_VERSION")" || die "cannot get sigs.k8s.io/cluster-api@$CAPI_VERSION"
  tmp="$(mktemp -d "$1/.webhooks.XXXXXX")"
  for w in "${WEBHOOKS[@]}"; do
    cp "$src/${w#*=}/config/webhook/manifests.yaml" "$tmp/${w%%=*}.yaml"
    chmod 0644 "$tmp/${w%%=*}.yaml"
  done
  rm -rf "$1/webhooks" && mv -T "$tmp" "$1/webhooks"
}

link_clusterctl() {
  mkdir -p "$(dirname "$BIN_LINK")"
  ln -sfn "../capi/$CAPI_VERSION/clusterctl" "$BIN_LINK.tmp.$$" && mv -Tf "$BIN_LINK.tmp.$$" "$BIN_LINK"
}

if cache_ok && ! webhooks_ok "$DEST"; then
  require_go
  copy_webhooks "$DEST"
fi
if cache_ok; then
  [[ -L "$BIN_LINK" && "$(readlink "$BIN_LINK")" == "../capi/$CAPI_VERSION/clusterctl" ]] || link_clusterctl
  log "ok: CAPI $CAPI_VERSION managers and clusterctl in $DEST (cached, $(elapsed "$START")s)"
  printf '%s\n' "$DEST"
  exit 0
fi

require_go
with_lock capi
if cache_ok; then
  link_clusterctl
  log "ok: $DEST was completed by another run"
  printf '%s\n' "$DEST"
  exit 0
fi

need="$(go_line "$MODULE_DIR/go.mod")"
version_ge "$(go env GOVERSION)" "${need:-0}" || die "CAPI $CAPI_VERSION needs Go >= $need, have $(go env GOVERSION)"

log "cache missing or stale at $DEST; building CAPI $CAPI_VERSION managers + clusterctl (Go $(go env GOVERSION), $(nproc 2>/dev/null || echo '?') cores; about 7-12 min cold)"
mkdir -p "$CAPI_DIR"
rm -rf "$CAPI_DIR"/.capkit-tmp.* 2>/dev/null || true   # leftovers of interrupted runs (we hold the lock)
STAGE="$(mktemp -d "$CAPI_DIR/.capkit-tmp.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

CMOD="$(go_mod_gomod sigs.k8s.io/cluster-api "$CAPI_VERSION")" || die "cannot get sigs.k8s.io/cluster-api@$CAPI_VERSION from the Go module proxy"
BUILD_DATE="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$(dirname "$CMOD")/$CAPI_VERSION.info" 2>/dev/null || true)"
V="${CAPI_VERSION#v}"
LDFLAGS="-s -w"
for kv in "gitVersion=$CAPI_VERSION" "gitMajor=${V%%.*}" "gitMinor=$(cut -d. -f2 <<<"$V")" \
          "gitTreeState=clean" "buildDate=${BUILD_DATE:-1970-01-01T00:00:00Z}"; do
  LDFLAGS+=" -X 'sigs.k8s.io/cluster-api/version.$kv'"
done

for t in "${TARGETS[@]}"; do
  name="${t%%=*}" pkg="${t#*=}"
  T="$(now_s)"
  (cd "$MODULE_DIR" && GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 \
     go build -trimpath -ldflags "$LDFLAGS" -o "$STAGE/$name" "$pkg" </dev/null) ||
    die "go build of $pkg failed (see above)"
  log "built $name in $(elapsed "$T")s ($(du -h "$STAGE/$name" | cut -f1))"
done

(cd "$STAGE" && for t in "${TARGETS[@]}"; do cksum "${t%%=*}"; done) >"$STAGE/.capkit-cksum"
(cd "$STAGE" && for t in "${TARGETS[@]}"; do sha256sum "${t%%=*}"; done) >"$STAGE/.capkit-sha256"
marker_text >"$STAGE/.capkit-build"
copy_webhooks "$STAGE"
for t in "${TARGETS[@]}"; do
  VERIFY=1 bin_ok "$STAGE" "${t%%=*}" || die "freshly built ${t%%=*} does not start or report $CAPI_VERSION"
done
if [[ -e "$DEST" ]]; then
  OLD="$(mktemp -d "$CAPI_DIR/.capkit-tmp.XXXXXX")"
  mv -T "$DEST" "$OLD/old"
fi
mv -T "$STAGE" "$DEST"
trap - EXIT
rm -rf "$CAPI_DIR"/.capkit-tmp.* 2>/dev/null || true
link_clusterctl
log "built CAPI $CAPI_VERSION into $DEST in $(elapsed "$START")s ($(du -sh "$DEST" | cut -f1))"
printf '%s\n' "$DEST"
