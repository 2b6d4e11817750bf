#!/usr/bin/env bash
# The as-of join benchmark: generates seeded data, runs every method on it in one JVM, checks that
# they produce the same rows, and prints a table per data set (also written to target/bench/results.md).
#
#   bench/run.sh                                  # all sets at full size (S, H, M, L): hours on 2 cores
#   bench/run.sh --sets S,H --scale 0.25          # a quicker look
#   bench/run.sh --sets S --methods ours,duckdb   # chosen methods
#   bench/run.sh --sets S --methods ours,duckdb --rounds 4   # each method's fastest of four runs
#   bench/run.sh --sets S --methods ours,spark43-asof,duckdb,union-last,io-floor
#   TRAINFORGE_BENCH_HEAP=2g bench/run.sh --sets single --methods ours   # one key, 2 GiB heap
#
# Options: --sets S,U,H,M,L,single (U: as S with uniform keys)  --scale F  --methods ours,ours-hash,window-sql,union-last,
#          spark-joinAsOf,spark43-asof,duckdb,io-floor  --asof-timeout SECONDS (joinAsOf, window
#          SQL and Spark 4.3's ASOF JOIN, default 600)  --partitions N (default 64)
#          --rows-per-partition N (ours's range partitions: about one per N rows, at most
#          --partitions; default reference.conf's join.rows-per-partition; 0: exactly --partitions)
#          --rounds N (S, U, H; default 1: with more, the methods run N times, every other round in
#          reverse order; the table shows each method's fastest run and lists every run, with ours's
#          time over each other method's round by round)  --dir DIR (default target/bench)
#
# spark43-asof (Spark 4.3's native ASOF JOIN) runs bench/spark43_asof.py in a child process with
# the same heap, from a venv this script makes once from bench/requirements-spark43.txt (pyspark
# 4.3.0, about 450 MB) in $TRAINFORGE_SPARK43_VENV (default ~/.cache/trainforge/venv-spark43), and
# makes again when that file changes. Methods without it need no Python.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/jvm.sh

# The venv of spark43-asof: made when missing or when the requirements changed; prints its Python.
spark43_python() {
  local venv="${TRAINFORGE_SPARK43_VENV:-$HOME/.cache/trainforge/venv-spark43}"
  local wanted
  wanted=$(sha256sum bench/requirements-spark43.txt | cut -c1-64)
  if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.requirements-sha256" 2>/dev/null)" != "$wanted" ]]; then
    echo "Making the venv of spark43-asof in $venv (pyspark from bench/requirements-spark43.txt)..." >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r bench/requirements-spark43.txt >&2
    echo "$wanted" > "$venv/.requirements-sha256"
  fi
  echo "$venv/bin/python"
}

methods=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[i]}" == --methods ]] && methods="${args[i + 1]:-}"
done
# the default methods include spark43-asof
if [[ -z "$methods" || ",$methods," == *,spark43-asof,* ]]; then
  TRAINFORGE_SPARK43_PYTHON=$(spark43_python)
  export TRAINFORGE_SPARK43_PYTHON
fi
bench_compile
bench_java 12g dev.trainforge.bench.JoinBenchmark "$@"
