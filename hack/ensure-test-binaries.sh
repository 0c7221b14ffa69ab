#!/usr/bin/env bash
# ensure-test-binaries.sh — builds kube-apiserver, kubectl and etcd from released Go modules
# (through the Go module proxy; no other downloads) and installs them where
# io.fabric8:kube-api-test 7.6.1 looks for them. Idempotent; a warm run takes well under 2 s.
#
# Usage: hack/ensure-test-binaries.sh [--print-env] [--verify]
#   --print-env  also print `export ...` lines on stdout, for `eval "$(hack/ensure-test-binaries.sh --print-env)"`
#   --verify     also check SHA-256 sums and `kubectl version` (slower); the default warm check is
#                CRC32 of all three + `kube-apiserver --version` + `etcd --version`
#
# Versions come from hack/versions.env (K8S_VERSION, ETCD_VERSION).
#
# Install layout (what kube-api-test expects):
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<version without "v">-<os>-<arch>/{kube-apiserver,kubectl,etcd}
#   e.g. ~/.kubeapitest/k8s/1.37.2-linux-amd64/kube-apiserver
# plus files of ours in that folder: .capkit-build (versions), .capkit-cksum and .capkit-sha256 (checksums).
#
# How kube-api-test 7.6.1 finds binaries (read in its sources jar, io.fabric8:kube-api-test:7.6.1:sources):
# - KubeAPIServerConfigBuilder.build(): each setting is the builder value, else the environment
#   variable, else a default: KUBE_API_TEST_DIR (default ~/.kubeapitest), KUBE_API_TEST_API_SERVER_VERSION
#   (default none), KUBE_API_TEST_OFFLINE_MODE (default false), KUBE_API_TEST_STARTUP_TIMEOUT,
#   KUBE_API_TEST_WAIT_FOR_ETCD_HEALTH_CHECK. The env value is applied with `type.cast(envValue)`,
#   i.e. Boolean.class.cast(String): so setting KUBE_API_TEST_OFFLINE_MODE (or the other two
#   non-String ones) in the ENVIRONMENT throws ClassCastException in 7.6.1 (checked by running it).
#   Offline mode only works from code: KubeAPIServerConfigBuilder...withOfflineMode(true).
#   @EnableKubeAPIServer (JUnit) has no offline attribute; it only sets kubeAPIVersion.
# - BinaryManager.findTargetBinariesIfAvailable(): platform suffix is "-" + os.name + "-" + arch
#   ("-linux-amd64"; os.arch aarch64 -> arm64, ppc64 -> ppc64le, anything else -> amd64).
#   * Version set (builder/annotation/KUBE_API_TEST_API_SERVER_VERSION, e.g. "1.37.2", no "v";
#     "1.37.*" = highest local 1.37.x): uses <dir>/k8s/<version>-linux-amd64 if that folder exists.
#   * No version: lists <dir>/k8s/*-linux-amd64 and takes the highest version (its comparator
#     Integer.parseInt()s every dot-separated part, so a folder named like "v1.37.2-linux-amd64"
#     or "x.tmp-linux-amd64" would crash it — our temp folders never end in the suffix).
#   * Nothing found: offline mode -> "Binaries cannot be found, and download is turned off";
#     otherwise it downloads from the internet (which fails on this network). If a folder is
#     found, it never downloads, offline mode or not.
# - initBinariesPojo(): the folder must hold files named exactly etcd, kube-apiserver, kubectl
#   (existence is all it checks). It starts etcd with --listen-client-urls/--advertise-client-urls/
#   --initial-cluster/--listen-peer-urls, kube-apiserver with --etcd-servers, --secure-port,
#   --service-account-*, --authorization-mode RBAC, and uses kubectl for the kubeconfig/readiness.
# So: nothing needs to be set when this is the only/highest version folder; to pin it, set
# KUBE_API_TEST_API_SERVER_VERSION=<K8S_VERSION without v> (or @EnableKubeAPIServer(kubeAPIVersion=...)).
#
# Build technique: a throwaway wrapper module in ${XDG_CACHE_HOME:-~/.cache}/capkit/k8s-build/<version>
# requires k8s.io/kubernetes <version> and replaces every staging module it requires
# (`k8s.io/x => ./staging/src/k8s.io/x` in kubernetes' go.mod) by the released k8s.io/x v0.Y.Z.
# etcd gets its own wrapper (capkit/etcd-build/<version>) requiring go.etcd.io/etcd/server/v3,
# whose root package is etcd's main. Flags follow kubernetes' hack/lib/golang.sh: CGO_ENABLED=0,
# -trimpath, -tags selinux,notest,grpcnotrace, -ldflags "-s -w -X .../version.gitVersion=...".
# Measured on the 2-core machine, Go 1.26.8, empty GOCACHE: cold 1029 s (go mod tidy 25 s,
# kube-apiserver 755 s, kubectl 99 s, etcd 125 s); warm ~0.6 s (--verify: ~2.5 s).
set -euo pipefail

LOG_TAG=ensure-test-binaries
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PRINT_ENV=0
VERIFY=0
for arg in "$@"; do
  case "$arg" in
    --print-env) PRINT_ENV=1 ;;
    --verify) VERIFY=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $arg" ;;
  esac
done

START="$(now_s)"
K8S_NUM="${K8S_VERSION#v}"
ETCD_NUM="${ETCD_VERSION#v}"
K8S_MINOR="${K8S_NUM#*.}"; K8S_MINOR="${K8S_MINOR%%.*}"
K8S_MAJOR="${K8S_NUM%%.*}"

# Same platform naming as kube-api-test's OSInfo.
case "$(uname -s)" in Linux) OS=linux ;; Darwin) OS=darwin ;; *) OS="$(uname -s | tr '[:upper:]' '[:lower:]')" ;; esac
case "$(uname -m)" in aarch64|arm64) ARCH=arm64 ;; ppc64le|ppc64) ARCH=ppc64le ;; *) ARCH=amd64 ;; esac

KAT_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
K8S_DIR="$KAT_DIR/k8s"
DEST="$K8S_DIR/${K8S_NUM}-${OS}-${ARCH}"
BINS=(kube-apiserver kubectl etcd)

marker_text() {
  printf 'k8s=%s\netcd=%s\nos=%s\narch=%s\n' "$K8S_VERSION" "$ETCD_VERSION" "$OS" "$ARCH"
}

# bin_ok DIR NAME: the binary is a non-empty executable whose checksum matches the one recorded
# at install time and that reports the pinned version. The quick check uses CRC32 (`cksum`,
# ~0.1 s for all three; catches truncated/corrupted files); --verify also checks SHA-256
# (~1.2 s here, coreutils' sha256sum doesn't use the CPU's SHA instructions).
bin_ok() {
  local dir="$1" name="$2" out
  [[ -f "$dir/$name" && -x "$dir/$name" && -s "$dir/$name" ]] || return 1
  grep -q " $name\$" "$dir/.capkit-cksum" 2>/dev/null || return 1
  [[ "$(cd "$dir" && cksum "$name")" == "$(grep " $name\$" "$dir/.capkit-cksum")" ]] || return 1
  if [[ "$VERIFY" == 1 ]]; then
    grep -q "  $name\$" "$dir/.capkit-sha256" 2>/dev/null || return 1
    (cd "$dir" && grep "  $name\$" .capkit-sha256 | sha256sum -c --status -) || return 1
  fi
  case "$name" in
    kube-apiserver) out="$("$dir/$name" --version 2>/dev/null)" || return 1
                    [[ "$out" == "Kubernetes $K8S_VERSION" ]] ;;
    kubectl)        # the slowest of the three to start (~0.2 s): run it only on install and --verify
                    [[ "$VERIFY" == 1 ]] || return 0
                    out="$("$dir/$name" version --client 2>/dev/null)" || return 1
                    [[ "$out" == *"Client Version: $K8S_VERSION"* ]] ;;
    etcd)           out="$("$dir/$name" --version 2>/dev/null)" || return 1
                    [[ "$out" == *"etcd Version: $ETCD_NUM"* ]] ;;
  esac
}

# cache_ok: the installed folder is complete and matches the pinned versions.
cache_ok() {
  [[ -d "$DEST" && -f "$DEST/.capkit-build" ]] || return 1
  [[ "$(cat "$DEST/.capkit-build")" == "$(marker_text)" ]] || return 1
  local b
  for b in "${BINS[@]}"; do bin_ok "$DEST" "$b" || return 1; done
}

print_env() {
  [[ "$PRINT_ENV" == 1 ]] || return 0
  printf 'export KUBE_API_TEST_DIR=%q\n' "$KAT_DIR"
  printf 'export KUBE_API_TEST_API_SERVER_VERSION=%s\n' "$K8S_NUM"
  printf '# kube-api-test 7.6.1: do not export KUBE_API_TEST_OFFLINE_MODE (ClassCastException); use withOfflineMode(true) in code\n'
}

warn_newer_dirs() {
  # Without a pinned version kube-api-test takes the highest <version>-<os>-<arch> folder.
  local d v
  for d in "$K8S_DIR"/*-"$OS-$ARCH"; do
    [[ -d "$d" ]] || continue
    v="$(basename "$d")"; v="${v%-"$OS-$ARCH"}"
    if [[ "$v" != "$K8S_NUM" ]] && version_ge "$v" "$K8S_NUM"; then
      log "note: $d is newer than $K8S_NUM; kube-api-test picks it unless KUBE_API_TEST_API_SERVER_VERSION=$K8S_NUM is set"
    fi
  done
}

if cache_ok; then
  log "ok: kube-apiserver+kubectl $K8S_VERSION, etcd $ETCD_VERSION in $DEST (cached, $(elapsed "$START")s); tests need no env (optional pin: KUBE_API_TEST_API_SERVER_VERSION=$K8S_NUM)"
  warn_newer_dirs
  print_env
  exit 0
fi

require_go
with_lock test-binaries
if cache_ok; then   # another run finished it while we waited for the lock
  log "ok: $DEST was completed by another run"
  print_env
  exit 0
fi

log "cache missing or stale at $DEST; building (Go $(go env GOVERSION), $(nproc 2>/dev/null || echo '?') cores)"
mkdir -p "$K8S_DIR" "$CAPKIT_CACHE"
# Leftovers from interrupted runs (we hold the lock, so none of them is in use).
rm -rf "$K8S_DIR"/.capkit-tmp.* "$K8S_DIR"/.capkit-old.* 2>/dev/null || true

# The staging folder lives next to the final one (same filesystem -> rename is atomic) and its
# name does not end in -<os>-<arch>, so kube-api-test never sees it.
STAGE="$(mktemp -d "$K8S_DIR/.capkit-tmp.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

export CGO_ENABLED=0

# Reuse binaries that are still fine (e.g. only ETCD_VERSION changed); build the others.
NEED=()
for b in "${BINS[@]}"; do
  if [[ -f "$DEST/.capkit-build" ]] && VERIFY=1 bin_ok "$DEST" "$b"; then
    cp -p "$DEST/$b" "$STAGE/$b"
    log "reusing $b from the existing cache"
  else
    NEED+=("$b")
  fi
done
needs() { local x; for x in "${NEED[@]}"; do [[ "$x" == "$1" ]] && return 0; done; return 1; }

# ---------------------------------------------------------------- kube-apiserver, kubectl
if needs kube-apiserver || needs kubectl; then
  WRAP="$CAPKIT_CACHE/k8s-build/$K8S_VERSION"
  mkdir -p "$WRAP"
  log "resolving k8s.io/kubernetes $K8S_VERSION go.mod via the Go module proxy ..."
  KMOD="$(go_mod_for_build k8s.io/kubernetes "$K8S_VERSION" k8s.io/kubernetes)" || exit 1
  GO_LINE="$(go_line "$KMOD")"
  # Staging modules: `k8s.io/x => ./staging/src/k8s.io/x` in kubernetes' replace block, and
  # required by it (a few, like sample-controller, are replaced but not required or published).
  mapfile -t STAGING < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$KMOD")
  [[ ${#STAGING[@]} -gt 0 ]] || die "found no staging replace lines in $KMOD"
  STAGING_VER="v0.${K8S_NUM#*.}"
  {
    echo "// Generated by capkit hack/ensure-test-binaries.sh; throwaway module to build kubernetes binaries."
    echo "module capkit.local/k8s-build"
    echo
    echo "go ${GO_LINE}"
    grep '^godebug ' "$KMOD" || true
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    for m in "${STAGING[@]}"; do
      if grep -Eq "^[[:space:]]+${m//./\\.} v0\\.0\\.0" "$KMOD"; then
        echo "	$m => $m $STAGING_VER"
      fi
    done
    echo ")"
    echo
    echo "tool ("
    echo "	k8s.io/kubernetes/cmd/kube-apiserver"
    echo "	k8s.io/kubernetes/cmd/kubectl"
    echo ")"
  } >"$WRAP/go.mod.in"
  if [[ ! -f "$WRAP/go.sum" || ! -f "$WRAP/go.mod" ]] || ! cmp -s "$WRAP/go.mod.in" "$WRAP/.go.mod.in.done"; then
    cp "$WRAP/go.mod.in" "$WRAP/go.mod"
    rm -f "$WRAP/go.sum" "$WRAP/.go.mod.in.done"
    log "resolving dependencies in $WRAP (go mod tidy; $(grep -c ' => ' "$WRAP/go.mod.in") staging replaces -> $STAGING_VER) ..."
    T="$(now_s)"
    (cd "$WRAP" && go mod tidy) || die "go mod tidy failed in $WRAP (module download error? see above)"
    cp "$WRAP/go.mod.in" "$WRAP/.go.mod.in.done"
    log "dependencies resolved in $(elapsed "$T")s"
  fi

  LDFLAGS="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    LDFLAGS+=" -X '$pkg.gitVersion=$K8S_VERSION' -X '$pkg.gitMajor=$K8S_MAJOR' -X '$pkg.gitMinor=$K8S_MINOR'"
    LDFLAGS+=" -X '$pkg.gitCommit=${K8S_GIT_COMMIT:-}' -X '$pkg.gitTreeState=clean' -X '$pkg.buildDate=$K8S_BUILD_DATE'"
  done
  for b in kube-apiserver kubectl; do
    needs "$b" || continue
    log "building $b $K8S_VERSION (first build compiles ~2000 packages; 10-20 min on 2 cores) ..."
    T="$(now_s)"
    (cd "$WRAP" && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags "$LDFLAGS" \
        -o "$STAGE/$b" "k8s.io/kubernetes/cmd/$b") || die "go build of $b failed"
    log "built $b in $(elapsed "$T")s ($(du -h "$STAGE/$b" | cut -f1))"
  done
fi

# ---------------------------------------------------------------- etcd
if needs etcd; then
  EWRAP="$CAPKIT_CACHE/etcd-build/$ETCD_VERSION"
  mkdir -p "$EWRAP"
  log "resolving go.etcd.io/etcd/server/v3 $ETCD_VERSION via the Go module proxy ..."
  EMOD="$(go_mod_for_build go.etcd.io/etcd/server/v3 "$ETCD_VERSION" etcd)" || exit 1
  EGO="$(go_line "$EMOD")"
  {
    echo "// Generated by capkit hack/ensure-test-binaries.sh; throwaway module to build etcd."
    echo "module capkit.local/etcd-build"
    echo
    echo "go ${EGO}"
    echo
    echo "require go.etcd.io/etcd/server/v3 $ETCD_VERSION"
    echo
    echo "tool go.etcd.io/etcd/server/v3"
  } >"$EWRAP/go.mod.in"
  if [[ ! -f "$EWRAP/go.sum" || ! -f "$EWRAP/go.mod" ]] || ! cmp -s "$EWRAP/go.mod.in" "$EWRAP/.go.mod.in.done"; then
    cp "$EWRAP/go.mod.in" "$EWRAP/go.mod"
    rm -f "$EWRAP/go.sum" "$EWRAP/.go.mod.in.done"
    log "resolving dependencies in $EWRAP (go mod tidy) ..."
    (cd "$EWRAP" && go mod tidy) || die "go mod tidy failed in $EWRAP (module download error? see above)"
    cp "$EWRAP/go.mod.in" "$EWRAP/.go.mod.in.done"
  fi
  log "building etcd $ETCD_VERSION ..."
  T="$(now_s)"
  (cd "$EWRAP" && go build -trimpath -ldflags "-s -w" -o "$STAGE/etcd" go.etcd.io/etcd/server/v3) ||
    die "go build of etcd failed"
  log "built etcd in $(elapsed "$T")s ($(du -h "$STAGE/etcd" | cut -f1))"
fi

# ---------------------------------------------------------------- verify + atomic install
chmod 0755 "$STAGE"/kube-apiserver "$STAGE"/kubectl "$STAGE"/etcd
(cd "$STAGE" && sha256sum "${BINS[@]}" >.capkit-sha256 && cksum "${BINS[@]}" >.capkit-cksum)
marker_text >"$STAGE/.capkit-build"
for b in "${BINS[@]}"; do
  VERIFY=1 bin_ok "$STAGE" "$b" || die "freshly built $b does not run or does not report the pinned version (kept nothing)"
done
chmod 0755 "$STAGE"

OLD=""
if [[ -e "$DEST" ]]; then
  OLD="$(mktemp -u "$K8S_DIR/.capkit-old.XXXXXX")"
  mv "$DEST" "$OLD"
fi
mv "$STAGE" "$DEST"
trap - EXIT
[[ -n "$OLD" ]] && rm -rf "$OLD"

log "installed into $DEST:"
for b in "${BINS[@]}"; do log "  $b  $(du -h "$DEST/$b" | cut -f1)"; done
log "kube-apiserver: $("$DEST/kube-apiserver" --version)"
log "etcd: $("$DEST/etcd" --version | head -n1)"
log "total time: $(elapsed "$START")s"
log "tests need no env when this is the highest version in $K8S_DIR; to pin: KUBE_API_TEST_API_SERVER_VERSION=$K8S_NUM"
log "offline mode: use KubeAPIServerConfigBuilder.withOfflineMode(true) — KUBE_API_TEST_OFFLINE_MODE=true in the env throws ClassCastException in 7.6.1"
warn_newer_dirs
print_env
