#!/usr/bin/env bash
# ensure-clusterctl.sh — prints the path of clusterctl at CAPI_VERSION (hack/versions.env), built with the CAPI
# managers from the checked-in module hack/capi-build by hack/ensure-capi.sh (one build, one set of pinned
# dependencies). The path is ${XDG_CACHE_HOME:-$HOME/.cache}/capkit/bin/clusterctl, a link into that build.
# clusterctl checks GitHub for newer releases unless CLUSTERCTL_DISABLE_VERSIONCHECK=true; set it when using it.
set -euo pipefail
dir="$("$(dirname "${BASH_SOURCE[0]}")/ensure-capi.sh" "$@")"
printf '%s\n' "$dir/clusterctl"
