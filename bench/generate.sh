#!/usr/bin/env bash
# End to end: `generate` on the join benchmark's S workload (one feature source partitioned by day),
# so that the whole build (inputs, join, write, validation, publish) can be timed, not the join alone.
#
#   bench/generate.sh                     # quarter-size S (500k labels x 5M feature rows)
#   bench/generate.sh --scale 1           # full S (2M labels x 20M feature rows)
#   bench/generate.sh --scale 0.25 --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=/tmp/ev
#
# Data and config go to target/bench-generate/S<scale>/ (kept between runs); every run builds a new
# version into a fresh trainforge home there. Other arguments go to submit.sh before `generate`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scale=0.25
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
dir="target/bench-generate/S$scale"
./mvnw -o -B -q -Dspotless.check.skip=true -DskipTests test-compile
[[ -f target/test-classpath.txt ]] ||
  ./mvnw -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt > /dev/null
java -Xmx4g -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true -Duser.timezone=UTC \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.trainforge.bench.GenerateWorkload "$dir" "$scale"
home="$dir/home-$(date +%s)"
TRAINFORGE_HOME="$home" /usr/bin/time -f "generate: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
  ./submit.sh --master 'local[2]' "${args[@]+"${args[@]}"}" generate --config "$dir/asof_s.conf"
rm -rf "$home"
