#!/usr/bin/env bash
# Renderer benchmark (issue #3): 10,000 generated clusters through `bin/capkit render` versus clusterctl.
# Usage: bench/render/run.sh [key=value ...]  (mcs=2 orgs=10 perOrg=500 reps=3 sample=50; skipBuild=1 reuses jars)
# Target row (issue 18): `reps` renders into an empty folder (wall, CPU, VmHWM, met/missed); then `reps` renders that
# find the output up to date; clusterctl, one process per sampled cluster, is the named peer in the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
clusterctl="${CLUSTERCTL:-$HOME/.cache/capkit/bin/clusterctl}"
[[ -x "$clusterctl" ]] || hack/ensure-clusterctl.sh
if [[ " $* " != *" skipBuild=1 "* ]]; then
  mvn -q -pl cli,bench -am package -DskipTests
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-render.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# The in-process heap probe runs on the java, with the options, that bin/capkit render uses (CAPKIT_JAVA and
# CAPKIT_JAVA_OPTS included): the launcher prints them, so they are written down in one place.
mapfile -t jvm < <(CAPKIT_PRINT_JVM=1 bin/capkit render)
heap_java="${jvm[0]}"
heap_opts="${jvm[*]:1}"
args=()
for a in "$@"; do [[ "$a" == skipBuild=* ]] || args+=("$a"); done
java -cp bench/target/classes io.capkit.bench.render.RenderBench \
  repo="$root" work="$work" clusterctl="$clusterctl" benchCp="$root/bench/target/classes" \
  heapJava="$heap_java" heapJavaOpts="$heap_opts" results="$root/bench/RESULTS.md" notes="$root/bench/render/notes.md" "${args[@]}"
