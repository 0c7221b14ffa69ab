#!/usr/bin/env bash
# GitOps benchmark (issues #8, #18): capkit diff between two commits of a generated 10,000-cluster fleet (a pull
# request, and the 1,000-file promotion commit) and capkit promote across 1,000 clusters (bare repository on disk,
# forge API double on loopback), with peers measured in the same run (git diff --stat, the full non-incremental
# diff, sed + git commit + git push). Each row: wall, CPU (user+sys), whole-process peak RSS (VmHWM), load average,
# and issue 18's target met/missed (diff of the promotion commit <= 2 s and <= 512 MiB; promote <= 2x the peer and
# <= 512 MiB).
# Usage: bench/gitops/run.sh [key=value ...]  (mcs=10 orgs=2 perOrg=500 reps=3; skipBuild=1 reuses jars)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [[ " $* " != *" skipBuild=1 "* ]]; then
  mvn -q -pl cli,bench -am package -DskipTests
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/capkit-bench-gitops.XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=()
for a in "$@"; do [[ "$a" == skipBuild=* ]] || args+=("$a"); done
# The bench JVM runs the in-process comparison; its classpath is the bench module's with its dependencies.
cp="bench/target/classes:$(cat bench/target/runtime.classpath)"
java -cp "$cp" io.capkit.bench.gitops.GitOpsBench repo="$root" work="$work" results="$root/bench/RESULTS.md" \
  "${args[@]}"
