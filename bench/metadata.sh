#!/usr/bin/env bash
# Whole-process times of the commands that read metadata only, as a user runs them through
# submit.sh: list, show, diff and a no-op generate of the sample (conf/datasets/card_fraud.conf,
# version 1). Each is run after two warm-up runs (the first run after a build records the light
# JVM's class-data archive, target/metadata.jsa), then N times; min, median and max of the wall,
# user and system seconds are printed (GNU time, /usr/bin/time).
#
#   bench/metadata.sh                 # 10 runs of each
#   bench/metadata.sh --runs 20
#   TRAINFORGE_LIGHT_JVM=0 bench/metadata.sh --runs 3    # the same on the JVM that runs Spark
#
# The sample is built once (a real build, about a minute) into target/bench-metadata/home, kept
# between runs; the jar is built first by submit.sh if it is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    *) echo "usage: bench/metadata.sh [--runs N]" >&2; exit 2 ;;
  esac
done
[[ -x /usr/bin/time ]] || { echo "bench/metadata.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }
export TRAINFORGE_HOME="$PWD/target/bench-metadata/home"
config=conf/datasets/card_fraud.conf
if [[ ! -f "$TRAINFORGE_HOME/catalog.db" ]]; then
  echo "building version 1 of the sample into $TRAINFORGE_HOME" >&2
  ./submit.sh generate --config "$config" > /dev/null
fi
log="target/bench-metadata/times.txt"

measure() {
  local name="$1"
  shift
  for _ in 1 2; do "$@" > /dev/null 2>&1; done
  : > "$log"
  for _ in $(seq "$runs"); do
    /usr/bin/time -a -o "$log" -f "%e %U %S %x" "$@" > /dev/null 2>&1 || true
  done
  awk -v name="$name" -v n="$runs" '
    { wall[NR] = $1; user[NR] = $2; sys[NR] = $3; if ($4 != 0) bad++ }
    function stats(a,   i, j, t, k) {
      k = 0; for (i in a) s[++k] = a[i]
      for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
      return sprintf("%5.2f %6.2f %5.2f", s[1], (k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2), s[k])
    }
    END {
      printf "%-22s %3d  wall %s   user %s   sys %s%s\n", name, n, stats(wall), stats(user), stats(sys),
        (bad ? "   (" bad " runs exited non-zero)" : "")
    }' "$log"
}

echo "command                  n  wall  min median   max   user  min median   max   sys  min median   max"
measure "list" ./submit.sh list --config "$config"
measure "list --json" ./submit.sh list --json --config "$config"
measure "show 1" ./submit.sh show 1 --config "$config"
measure "diff 1 1" ./submit.sh diff 1 1 --config "$config"
measure "generate (no-op)" ./submit.sh generate --config "$config"
