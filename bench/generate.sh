#!/usr/bin/env bash
# End to end: `generate` as a user runs it (./submit.sh, local[2]), phase by phase, beside the join
# alone (the join benchmark's `ours`) and the I/O floor (`io-floor`) on the same inputs, and the
# ratio generate ÷ join alone, in one run. On the join benchmark's S workload (one feature source
# partitioned by day), a one-day slice of it, or any config (the sample).
#
#   bench/generate.sh                     # quarter-size S (500k labels x 5M feature rows)
#   bench/generate.sh --scale 1           # full S (2M labels x 20M feature rows)
#   bench/generate.sh --scale 1 --day 30  # one day of S: the labels of day 30 and that day's feature rows
#   bench/generate.sh --scale 1 --timestamps micros  # S with 64-bit timestamps (not Spark's INT96)
#   bench/generate.sh --config conf/datasets/card_fraud.conf   # the sample
#
# Options: --scale F  --day N  --config FILE  --heap SIZE (both JVMs; default 12g, as the join
# benchmark)  --generate-only (no join alone, no table: the generate and its output alone)
# --timestamps int96|micros (how S's Parquet files store timestamps: Spark's default INT96, or INT64
# microseconds as DuckDB, pyarrow and Iceberg write them, with min/max statistics; default int96).
# Other arguments go to submit.sh before `generate` (e.g. --conf spark.x=y).
#
# S's data and configs go to target/bench-generate/S<scale>/ (kept between runs). Each run builds a
# new version into a fresh trainforge home under target/bench-generate/runs/<time>/, where the
# generate's output, result file, Spark event log and GNU time's figures stay; the homes and the
# join's outputs are deleted at the end. The table is printed and appended to
# target/bench-generate/results.md. The phases are those the build records (its result's `cost`);
# under each, its Spark jobs by the trainforge code that started them (from the event log) and the
# driver's time between them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scale=0.25
day=""
config=""
heap="${TRAINFORGE_BENCH_HEAP:-12g}"
join=true
timestamps=int96
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scale) scale="$2"; shift 2 ;;
    --day) day="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --generate-only) join=false; shift ;;
    --timestamps) timestamps="$2"; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
export TRAINFORGE_BENCH_HEAP="$heap"
source bench/jvm.sh
bench_compile
# submit.sh builds the jar only when it is missing: build it again when the code is newer
if [[ ! -f target/original-trainforge.jar ]] ||
   [[ -n "$(find src/main pom.xml -newer target/original-trainforge.jar -type f | head -1)" ]]; then
  ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
fi

if [[ -n "$config" ]]; then
  title="$config"
else
  dir="target/bench-generate/S$scale"
  [[ "$timestamps" == int96 ]] || dir="$dir-$timestamps"
  config=$(TRAINFORGE_BENCH_TIMESTAMPS="$timestamps" \
    bench_java 4g dev.trainforge.bench.GenerateWorkload "$dir" "$scale" ${day:+"$day"} | tail -1)
  title="S at scale $scale"
  [[ "$timestamps" == int96 ]] || title="$title, timestamps as $timestamps"
  [[ -n "$day" ]] && title="day $day of S at scale $scale (its labels and feature rows of that day)"
fi

run="$PWD/target/bench-generate/runs/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run/events"
load_before=$(cut -d' ' -f1 /proc/loadavg)
# CPU time the host took from this machine during the run (the steal column of /proc/stat): on a
# shared host a wall time means little without it.
steal_jiffies() { awk '/^cpu /{print $9}' /proc/stat; }
steal_before=$(steal_jiffies)
started_ms=$(date +%s%3N)
TRAINFORGE_HOME="$run/home" TRAINFORGE_DRIVER_MEMORY="$heap" \
  /usr/bin/time -f "%e %U %S" -o "$run/time.txt" \
  ./submit.sh --master 'local[2]' --conf spark.eventLog.enabled=true \
    --conf "spark.eventLog.dir=file://$run/events" --conf spark.eventLog.compress=false \
    "${args[@]+"${args[@]}"}" generate --config "$config" --result-file "$run/result.json" \
  2>&1 | tee "$run/generate.log"
load_after=$(cut -d' ' -f1 /proc/loadavg)
steal=$(( ($(steal_jiffies) - steal_before) / $(getconf CLK_TCK) ))
echo "generate: $(cut -d' ' -f1 "$run/time.txt") s wall, $(cut -d' ' -f2 "$run/time.txt") s user," \
  "$(cut -d' ' -f3 "$run/time.txt") s sys; load average $load_before / $load_after; host steal $steal s"
rm -rf "$run/home"

if $join; then
  TRAINFORGE_HOME="$run/home-join" bench_java "$heap" dev.trainforge.bench.GenerateBenchmark \
    --config "$config" --result "$run/result.json" --events "$run/events" --time "$run/time.txt" \
    --title "$title" --dir "$PWD/target/bench-generate/join" --load-generate "$load_before / $load_after (host steal $steal s of CPU)" \
    --started-ms "$started_ms"
  rm -rf "$run/home-join" target/bench-generate/join/out
fi
