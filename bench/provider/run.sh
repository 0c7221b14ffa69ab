#!/usr/bin/env bash
# KVM provider benchmark: N KVMMachines from creation to provisioned, against the same machines created straight
# through the libvirt bindings. Needs the kube-apiserver/etcd test binaries (hack/) and libvirt0.
# Usage: bench/provider/run.sh [--machines 500] [--hosts 4] [--xmx 128m] [--reconcile-threads 8] [--no-results]
set -euo pipefail
cd "$(dirname "$0")/../.."
results=(--results bench/RESULTS.md)
args=()
for a in "$@"; do
  if [[ "$a" == "--no-results" ]]; then results=(); else args+=("$a"); fi
done
# Compile the bench module and its reactor dependencies (no tests, nothing installed) and get its classpath.
mvn -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=runtime
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
# The harness JVM runs C1 only with SerialGC like the provider, so its JIT takes little of the shared CPU, and a
# common pool of 2 threads: with fewer, the JDK HTTP client starts a thread per response (provider/.../AsyncPool.java).
exec java -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -cp "$cp" io.capkit.bench.provider.ProvisionBench "${args[@]}" "${results[@]}"
