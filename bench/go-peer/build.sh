#!/usr/bin/env bash
# build.sh — builds the Go peer of the admission benchmark (CAPI v1.14.2's own Cluster webhook served by
# controller-runtime) from released Go modules into ${XDG_CACHE_HOME:-$HOME/.cache}/capkit/bin/capi-webhook-peer
# and prints that path on stdout (progress on stderr). Cached: rebuilt only when go.mod, go.sum, main.go or the Go
# version change. Atomic: built beside the target, then renamed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/capkit"
BIN="$CACHE/bin/capi-webhook-peer"
STAMP="$CACHE/bin/.capi-webhook-peer.capkit"

command -v go >/dev/null || { echo "build.sh: go not found on PATH (Go >= 1.26 needed)" >&2; exit 1; }
# The key: everything that decides the binary.
KEY="$(cd "$HERE" && cat go.mod go.sum main.go | sha256sum | cut -d' ' -f1) $(go env GOVERSION)"

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$KEY" ]]; then
  echo "build.sh: capi-webhook-peer is current ($BIN)" >&2
  printf '%s\n' "$BIN"
  exit 0
fi

mkdir -p "$CACHE/bin"
TMP="$(mktemp "$CACHE/bin/.capi-webhook-peer.XXXXXX")"
trap 'rm -f "$TMP"' EXIT
echo "build.sh: building capi-webhook-peer with $(go env GOVERSION) (first build downloads modules and takes minutes) ..." >&2
# -mod=readonly: go.sum is checked in; a missing or changed module fails instead of editing the files.
(cd "$HERE" && GOFLAGS=-mod=readonly go build -trimpath -o "$TMP" .)
mv -f "$TMP" "$BIN"
trap - EXIT
printf '%s\n' "$KEY" >"$STAMP.tmp" && mv -f "$STAMP.tmp" "$STAMP"
echo "build.sh: built $BIN" >&2
printf '%s\n' "$BIN"
