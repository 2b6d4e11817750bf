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
#          --rows-per-partition N (ours's range partitions: about one per N rows, at most
#          --partitions; default reference.conf's join.rows-per-partition; 0: exactly --partitions)
#          --warm-up true|false (each chosen method once on small data first)
#          --rounds N (default 2: the methods run N times, every other round in reverse order, so
#          that none always runs first in the JVM; the table shows each method's fastest run, and
#          lists every run)  --dir DIR (default target/bench-windows)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/jvm.sh
bench_compile
bench_java 8g dev.trainforge.bench.WindowBenchmark "$@"
