#!/usr/bin/env bash
# capkit validate benchmark (issue #18): `bin/capkit validate` of one cluster file, whole process, against
# `clusterctl generate cluster` of the same cluster in the same run (interleaved), on the JVM bin/capkit picks and on
# the fallback JDK (the java on PATH); then `capkit validate` of the whole generated 10,000-cluster fleet folder.
# Usage: bench/validate/run.sh [key=value ...]  (reps=20 folderReps=2 mcs=2 orgs=10 perOrg=500; skipBuild=1 reuses jars)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
clusterctl="${CLUSTERCTL:-$HOME/.cache/capkit/bin/clusterctl}"
[[ -x "$clusterctl" ]] || hack/ensure-clusterctl.sh
if [[ " $* " != *" skipBuild=1 "* ]]; then
  mvn -q -pl cli,bench -am package -DskipTests
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-validate.XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=()
for a in "$@"; do [[ "$a" == skipBuild=* ]] || args+=("$a"); done
# The fallback: the JDK bin/capkit uses when no JDK 25 or later is installed (the java on PATH).
fallback="$(readlink -f "$(command -v java)")"
java -cp bench/target/classes io.capkit.bench.validate.ValidateBench repo="$root" work="$work" \
  clusterctl="$clusterctl" fallbackJava="$fallback" results="$root/bench/RESULTS.md" \
  notes="$root/bench/validate/notes.md" "${args[@]}"
