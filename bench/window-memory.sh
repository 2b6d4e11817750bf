#!/usr/bin/env bash
# Windowed aggregations on one hot key in a small heap: every row of one key in 365-day windows
# (count, sum, max, last-5), range partitions. Prints time, peak heap and a check of the counts.
#
#   bench/window-memory.sh                          # 5M labels x 20M rows, 2 GiB heap, 8 partitions
#   bench/window-memory.sh 500000 2000000 8         # a quicker look
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
labels=${1:-5000000}
rows=${2:-20000000}
partitions=${3:-8}
./mvnw -B -q -Dspotless.check.skip=true -DskipTests test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
exec java -Xmx"${TRAINFORGE_BENCH_HEAP:-2g}" -XX:+IgnoreUnrecognizedVMOptions \
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
  dev.trainforge.bench.WindowMemoryCheck "$labels" "$rows" "$partitions" "target/window-memory-$labels-$rows"
