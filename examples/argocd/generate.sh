#!/bin/sh
# Argo CD config management plugin "capkit": renders the fleet repository checked out in the current
# directory (the Application's source path) and writes the manifests to stdout.
#
# Parameters arrive as ARGOCD_ENV_<NAME> (set them in the Application's spec.source.plugin.env):
#   ARGOCD_ENV_MANAGEMENT_CLUSTER  render only this management cluster's folder (required)
#   ARGOCD_ENV_RELEASES_PATH       folder with the Release files, relative to the app path (default: releases)
#   ARGOCD_ENV_FLEET_PATH          folder with management-clusters/, relative to the app path (default: .)
# CAPKIT overrides the capkit executable (default: capkit on PATH).
set -eu

mc="${ARGOCD_ENV_MANAGEMENT_CLUSTER:-}"
releases="${ARGOCD_ENV_RELEASES_PATH:-releases}"
fleet="${ARGOCD_ENV_FLEET_PATH:-.}"
capkit="${CAPKIT:-capkit}"

fail() {
  echo "capkit plugin: $1" >&2
  exit 1
}

[ -n "$mc" ] || fail "set the MANAGEMENT_CLUSTER parameter (spec.source.plugin.env) to a management cluster name"
# Names reach capkit as single arguments; checking them here gives Argo CD users a clear message early.
case "$mc" in
  *[!a-z0-9-]* | -* | *-) fail "MANAGEMENT_CLUSTER \"$mc\" is not a DNS-1123 label" ;;
esac
for p in "$releases" "$fleet"; do
  case "$p" in
    /* | ../* | */../* | *..) fail "path \"$p\" must stay inside the repository" ;;
  esac
done
[ -d "$fleet/management-clusters/$mc" ] || fail "no folder $fleet/management-clusters/$mc in this repository"

# The sidecar's root file system is read-only; /tmp is an emptyDir (see repo-server-patch.yaml).
work="$(mktemp -d "${TMPDIR:-/tmp}/capkit-cmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# capkit reads every file of --fleet as fleet input, and releases/ often sits beside management-clusters/:
# render a copy of management-clusters/ alone.
app="$(pwd)"
mkdir "$work/fleet"
cp -R "$fleet/management-clusters" "$work/fleet/"
cd "$work"
# Argo CD reads manifests from stdout: capkit's progress line goes to stderr with its warnings.
"$capkit" render --fleet fleet --releases "$app/$releases" --out rendered >&2
dir="rendered/management-clusters/$mc"
# A management cluster without workload clusters renders nothing.
[ -d "$dir" ] || exit 0
# Every object file of that management cluster, in path order (HelmRepositories before the clusters using
# them); kustomization.yaml files are for Flux and would be objects without a CRD here.
find "$dir" -type f -name '*.yaml' ! -name kustomization.yaml | LC_ALL=C sort | while IFS= read -r f; do
  printf '%s\n' '---'
  cat "$f"
done
