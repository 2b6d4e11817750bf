#!/usr/bin/env bash
# The merge's in-memory sort alone, on one partition of synthetic events, in one JVM: no Spark job,
# so that a change to the sort shows apart from the shuffle and the merge around it. Prints the best
# and mean time of a sort and read-back.
#
#   bench/sort.sh                                 # 350,000 events (the default rows per partition)
#   bench/sort.sh --rows 3000000 --rounds 20      # a partition the join's default would not make
#
# Options: --rows N  --rows-per-key N (default 22)  --rounds N (default 40; the first quarter warms up)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/jvm.sh
bench_compile
bench_java 4g dev.trainforge.join.SortBenchmark "$@"
