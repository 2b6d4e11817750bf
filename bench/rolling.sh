#!/usr/bin/env bash
# Daily builds of a rolling dataset (dataset.retention) with 7, 30 and 180 retained days: the time
# of one daily build must not grow with the retention. Seeds its own data and tables, prints a table
# (also written to target/bench-rolling/results.md).
#
#   bench/rolling.sh                                   # 10,000 labels a day, retentions 7,30,180
#   bench/rolling.sh --labels-per-day 66000            # about 1/30 of the join benchmark's S a day
#   bench/rolling.sh --labels-per-day 66000 --sparse-seed true   # feature rows only where the
#                                                      # measured builds read: cheap seed builds
#
# Options: --labels-per-day N  --retentions 7,30,180  --days N (daily builds timed per retention)
#          --dir DIR (default target/bench-rolling)  --sparse-seed true|false (default false)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q -Dspotless.check.skip=true -DskipTests test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
rm -rf "${TRAINFORGE_BENCH_DIR:-target/bench-rolling}"
exec java -Xmx"${TRAINFORGE_BENCH_HEAP:-8g}" -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -Duser.timezone=UTC -Dspark.ui.enabled=false ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.trainforge.bench.RollingBenchmark "$@"
