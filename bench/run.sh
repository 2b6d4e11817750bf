#!/usr/bin/env bash
# The as-of join benchmark: generates seeded data, runs every method on it in one JVM, checks that
# they produce the same rows, and prints a table per data set (also written to target/bench/results.md).
#
#   bench/run.sh                                  # all sets at full size (S, H, M, L): hours on 2 cores
#   bench/run.sh --sets S,H --scale 0.25          # a quicker look
#   bench/run.sh --sets S --methods ours,duckdb   # chosen methods
#   TRAINFORGE_BENCH_HEAP=2g bench/run.sh --sets single --methods ours   # one key, 2 GiB heap
#
# Options: --sets S,H,M,L,single  --scale F  --methods ours,ours-hash,window-sql,union-last,
#          spark-joinAsOf,duckdb,io-floor  --asof-timeout SECONDS (joinAsOf and window SQL, default 600)
#          --partitions N (default 64)  --dir DIR (default target/bench)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -Dspotless.check.skip=true -DskipTests test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
exec java -Xmx"${TRAINFORGE_BENCH_HEAP:-12g}" -XX:+IgnoreUnrecognizedVMOptions \
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
  dev.trainforge.bench.JoinBenchmark "$@"
