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
source bench/jvm.sh
bench_compile
bench_java 12g dev.trainforge.bench.JoinBenchmark "$@"
