#!/usr/bin/env bash
# Real-CAPI benchmark: capkit's KVM provider under the Cluster API v1.14 managers; a MachineDeployment scaled up by
# N Machines until all are Provisioned (and Running), with where the time goes (per-machine milestones, CPU per
# process, API requests per client from the audit log). Peer in the same run: bench/provider's run of the provider
# alone on the same N machines, and direct libvirt. Needs the CAPI managers (hack/ensure-capi.sh), kube-apiserver/etcd
# (hack/ensure-test-binaries.sh) and libvirt0; hack/ensure-all.sh builds all of them.
# Usage: bench/capi/run.sh [--machines 100] [--hosts 4] [--timeout-minutes 15] [--no-peer] [--no-results]
set -euo pipefail
cd "$(dirname "$0")/../.."
results=(--results bench/RESULTS.md)
args=()
for a in "$@"; do
  if [[ "$a" == "--no-results" ]]; then results=(); else args+=("$a"); fi
done
source bench/lib.sh
cp="$(bench_classpath)"
# The harness JVM runs C1 only with SerialGC, so its JIT takes little of the shared CPU. Its children (CAPI managers,
# API servers, provider JVM) are stopped when it exits, also on Ctrl-C (shutdown hooks).
exec java -Xmx768m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils=error \
    -cp "$cp" io.capkit.bench.capi.CapiScaleBench "${args[@]}" "${results[@]}"
