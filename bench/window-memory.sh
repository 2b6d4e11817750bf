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
source bench/jvm.sh
bench_compile
bench_java 2g dev.trainforge.bench.WindowMemoryCheck "$labels" "$rows" "$partitions" "target/window-memory-$labels-$rows"
