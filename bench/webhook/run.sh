#!/usr/bin/env bash
# run.sh — the admission webhook benchmark: capkit's /validate-cluster against Cluster API's own Cluster webhook
# (Go, controller-runtime) at 1, 16 and 64 keep-alive TLS clients. Builds what it needs, runs the harness
# (io.capkit.bench.webhook.AdmissionLoad, about 3 minutes), prints the results and rewrites the
# "Admission webhook" section of bench/RESULTS.md.
#
# Environment: LEVELS (default 1,16,64), PROCESS_WARMUP, WARMUP, MEASURE (seconds; 30, 5, 10),
# RESULTS (default bench/RESULTS.md; RESULTS=- prints only), WORK (certificates, logs, JFR; default a temp dir),
# CAPKIT_JVM (the capkit server's JVM options; default the deployment's, see AdmissionLoad.CAPKIT_JVM),
# CAPKIT_THREADS (capkit's event loops; default the server's: one per CPU).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LEVELS="${LEVELS:-1,16,64}"
RESULTS="${RESULTS:-$ROOT/bench/RESULTS.md}"
WORK="${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/capkit-admission-bench.XXXXXX")}"

echo "run.sh: building capkit (bench module and what it needs) ..." >&2
mvn -q -B -ntp -pl bench -am package -DskipTests >&2
echo "run.sh: building the Go peer ..." >&2
PEER="$(bash "$ROOT/bench/go-peer/build.sh")"

CP="$ROOT/bench/target/classes:$(cat "$ROOT/bench/target/runtime.classpath")"
ARGS=(--peer "$PEER" --work "$WORK" --levels "$LEVELS"
  --process-warmup "${PROCESS_WARMUP:-30}" --warmup "${WARMUP:-5}" --measure "${MEASURE:-10}"
  --go-mod "$ROOT/bench/go-peer/go.mod" --go-version "$(go version)"
  --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)")
[[ "$RESULTS" == "-" ]] || ARGS+=(--results "$RESULTS")
[[ -z "${CAPKIT_JVM:-}" ]] || ARGS+=(--capkit-jvm "$CAPKIT_JVM")
[[ -z "${CAPKIT_THREADS:-}" ]] || ARGS+=(--capkit-threads "$CAPKIT_THREADS")

echo "run.sh: running (work directory $WORK) ..." >&2
java -cp "$CP" io.capkit.bench.webhook.AdmissionLoad "${ARGS[@]}"
