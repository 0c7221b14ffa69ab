# shellcheck shell=bash
# Common helpers for hack/ensure-*.sh. Source it after setting LOG_TAG; it sources versions.env.
# Everything it prints goes to stderr, so scripts keep stdout for machine-readable output.

HACK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2034  # used by the scripts that source this file
REPO_ROOT="$(cd "$HACK_DIR/.." && pwd)"
# shellcheck source=versions.env
source "$HACK_DIR/versions.env"

CAPKIT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/capkit"

log() { printf '[%s] %s\n' "${LOG_TAG:-hack}" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "${LOG_TAG:-hack}" "$*" >&2; exit 1; }

# now_s: seconds since the epoch with a fraction (bash 5 EPOCHREALTIME, no fork).
now_s() { printf '%s' "${EPOCHREALTIME:-$(date +%s)}"; }
# elapsed START: seconds since START, one decimal.
elapsed() { awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1f", b - a }'; }

# version_ge A B: true when dotted version A >= B (leading "v"/"go" ignored).
version_ge() {
  local a="${1#go}" b="${2#go}"
  a="${a#v}"; b="${b#v}"
  [[ "$(printf '%s\n%s\n' "$b" "$a" | sort -V | head -n1)" == "$b" ]]
}

# require_go: Go must be on PATH and at least GO_MIN_VERSION. Builds run with the
# machine's default GOCACHE/GOMODCACHE so a second run is warm, outside any go.work.
require_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed (no 'go' on PATH); install Go >= ${GO_MIN_VERSION} and re-run"
  local gv
  gv="$(go env GOVERSION 2>/dev/null)" || die "'go env GOVERSION' failed; is the Go installation broken?"
  gv="${gv%% *}"
  version_ge "$gv" "$GO_MIN_VERSION" ||
    die "Go ${gv#go} is too old: the pinned modules need Go >= ${GO_MIN_VERSION}"
  export GOWORK=off
}

# go_mod_field JSON FIELD: the string value of FIELD in `go mod download -json` output.
go_mod_field() {
  printf '%s\n' "$1" | sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" | head -n1
}

# go_mod_query FIELD MODULE VERSION CMD...: runs `CMD MODULE@VERSION` (a -json go command) outside any
# module, so the caller's go.mod/go.work can't interfere, and prints the path in FIELD. Returns 1 with
# the reason on stderr when the module can't be had.
go_mod_query() {
  local field="$1" mod="$2" ver="$3" json path err
  shift 3
  json="$(cd / && GOWORK=off "$@" "$mod@$ver" 2>&1 </dev/null)" || true
  path="$(go_mod_field "$json" "$field")"
  if [[ -z "$path" || ! -e "$path" ]]; then
    err="$(go_mod_field "$json" Error)"
    [[ -n "$err" ]] || err="$(printf '%s' "$json" | tr '\n' ' ' | cut -c1-400)"
    printf '[%s] module download failed: %s@%s: %s\n' "${LOG_TAG:-hack}" "$mod" "$ver" "$err" >&2
    return 1
  fi
  printf '%s\n' "$path"
}

# go_mod_download MODULE VERSION: downloads MODULE@VERSION through the Go module proxy and
# prints its extracted directory (read-only, in GOMODCACHE).
go_mod_download() { go_mod_query Dir "$1" "$2" go mod download -json; }

# go_mod_gomod MODULE VERSION: path of the module's cached go.mod (fetches only the .mod, not the zip).
go_mod_gomod() { go_mod_query GoMod "$1" "$2" go list -m -json; }

# go_line GOMOD: the Go version a go.mod file asks for (its `go` line).
go_line() { sed -n 's/^go \([0-9.]*\)$/\1/p' "$1" | head -n1; }

# go_mod_for_build MODULE VERSION WHAT: the module's go.mod path, after checking that this Go is new
# enough for its `go` line; dies with a message naming WHAT otherwise.
go_mod_for_build() {
  local gomod need
  gomod="$(go_mod_gomod "$1" "$2")" || die "cannot get $1@$2 from the Go module proxy"
  need="$(go_line "$gomod")"
  version_ge "$(go env GOVERSION)" "${need:-0}" || die "$3 $2 needs Go >= $need, have $(go env GOVERSION)"
  printf '%s\n' "$gomod"
}

# with_lock NAME: takes an exclusive lock (held until the script exits) so two runs of the
# same script don't build into the same cache at once. No-op when flock is missing.
with_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  mkdir -p "$CAPKIT_CACHE/locks"
  exec 9>"$CAPKIT_CACHE/locks/$1.lock"
  if ! flock -n 9; then
    log "waiting for another run holding $CAPKIT_CACHE/locks/$1.lock ..."
    flock 9
  fi
}

# deb_installed PKG: true when dpkg says PKG is installed.
deb_installed() { [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]; }

# apt_install_missing PKG...: installs the Debian packages of the list that are not installed yet, and only
# those: `apt-get update` once, then `apt-get install --no-install-recommends`, noninteractive, waiting up to
# 10 minutes for another apt-get holding the lock. Quiet unless it fails (then the last 30 lines of apt-get's
# output and exit 1). Runs apt-get through sudo when not root. Sets APT_INSTALLED to the packages it installed
# (empty when nothing was missing); the caller logs or checks further.
apt_install_missing() {
  APT_INSTALLED=()
  command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"
  local p missing=() sudo=() log_file
  for p in "$@"; do deb_installed "$p" || missing+=("$p"); done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${missing[*]}"
    sudo=(sudo)
  fi
  log_file="$(mktemp)"
  log "missing: ${missing[*]}; running apt-get update ..."
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >"$log_file" 2>&1; then
    tail -n 30 "$log_file" >&2; rm -f "$log_file"
    die "apt-get update failed (installing ${missing[*]})"
  fi
  log "installing: ${missing[*]} (apt-get install --no-install-recommends) ..."
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
      --no-install-recommends "${missing[@]}" >"$log_file" 2>&1; then
    tail -n 30 "$log_file" >&2; rm -f "$log_file"
    die "apt-get install ${missing[*]} failed"
  fi
  log "apt-get set up: $(tr -d '\r' <"$log_file" | sed -n 's/^Setting up \([^ ]*\) (\(.*\)) \.\.\.$/\1=\2/p' | tr '\n' ' ')"
  rm -f "$log_file"
  for p in "${missing[@]}"; do deb_installed "$p" || die "$p still not installed after apt-get install"; done
  APT_INSTALLED=("${missing[@]}")
}
