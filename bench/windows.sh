#!/usr/bin/env bash
# The windowed-aggregation benchmark (issue 18): count over 1 h, sum over 7 d and avg over 30 d of
# one feature column per label, by our join and by what users write today, on the same generated
# data (uniform keys; H: one key with 25% of labels and rows), in one JVM. Checks that the values
# agree and prints a table per set (also written to target/bench-windows/results-<sets>.md).
#
#   bench/windows.sh                              # S and H at full size (2M labels × 20M rows)
#   bench/windows.sh --sets S --scale 0.1         # a quicker look
#
# Options: --sets S,H  --scale F  --methods ours,ours-latest,ours-both,duckdb,spark-range-join,
#          spark-window  --timeout SECONDS (per method, default 600)  --partitions N (default 64)
#          --warm-up true|false  --dir DIR (default target/bench-windows)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -o -B -q -Dspotless.check.skip=true -DskipTests test-compile
./mvnw -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
exec java -Xmx"${TRAINFORGE_BENCH_HEAP:-8g}" -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -Duser.timezone=UTC ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.trainforge.bench.WindowBenchmark "$@"
