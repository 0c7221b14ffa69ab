# Shared by the bench/*/run.sh harnesses that run a Java main of the bench module from its classes (sourced).
# bench_classpath: compiles the bench module and its reactor dependencies (no tests, nothing installed) and prints
# its runtime classpath.
bench_classpath() {
  mvn -q -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
      -Dmdep.includeScope=runtime >&2 || return 1
  echo "bench/target/classes:$(cat bench/target/classpath.txt)"
}
