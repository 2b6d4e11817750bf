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
source bench/jvm.sh
bench_compile
TRAINFORGE_BENCH_HEAP=4g bench_java 4g dev.trainforge.bench.GenerateWorkload "$dir" "$scale"
home="$dir/home-$(date +%s)"
TRAINFORGE_HOME="$home" /usr/bin/time -f "generate: %e s wall, %U s user, %S s sys, %M KiB max RSS" \
  ./submit.sh --master 'local[2]' "${args[@]+"${args[@]}"}" generate --config "$dir/asof_s.conf"
rm -rf "$home"
