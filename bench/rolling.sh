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
source bench/jvm.sh
bench_compile
bench_java 8g dev.trainforge.bench.RollingBenchmark "$@"
