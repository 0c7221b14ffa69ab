#!/usr/bin/env bash
# KVM provider benchmark: N KVMMachines from creation to provisioned, against the same machines created straight
# through the libvirt bindings. Needs the kube-apiserver/etcd test binaries (hack/) and libvirt0.
# Usage: bench/provider/run.sh [--machines 500] [--hosts 4] [--reconcile-threads N] [--xmx SIZE] [--jvm "FLAGS"]
#        [--java PATH] [--no-results]
# The provider's JVM options, MALLOC_ARENA_MAX and reconcile threads default to the Deployment's
# (provider/config/manager.yaml); the flags override them for A/B runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
results=(--results bench/RESULTS.md)
args=()
for a in "$@"; do
  if [[ "$a" == "--no-results" ]]; then results=(); else args+=("$a"); fi
done
source bench/lib.sh
cp="$(bench_classpath)"
# The provider runs as the Deployment's image runs it: java -jar capkit.jar provider run (ProviderDeployment).
mvn -q -pl cli -am package -DskipTests >&2
# The harness JVM runs C1 only with SerialGC like the provider, so its JIT takes little of the shared CPU, and a
# common pool of 2 threads: with fewer, the JDK HTTP client starts a thread per response (provider/.../AsyncPool.java).
exec java -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -cp "$cp" io.capkit.bench.provider.ProvisionBench "${args[@]}" "${results[@]}"
