#!/usr/bin/env bash
# Runs trainforge: locally on an embedded Spark (the default), or through spark-submit on a cluster.
#
#   ./submit.sh [spark options] <trainforge command> [command options]
#
#   ./submit.sh generate --config conf/datasets/card_fraud.conf
#   ./submit.sh --master spark://host:7077 --conf spark.executor.memory=4g generate --config ...
#
# Spark options (before the command):
#   --master URL        local[*] (default), spark://..., yarn, k8s://...
#   --deploy-mode MODE  client or cluster (cluster managers only)
#   --conf KEY=VALUE    a Spark setting; repeatable
#   --dry-run           print the command instead of running it
# Environment:
#   SPARK_HOME          where spark-submit is (else spark-submit on PATH); needed for cluster masters
#   TRAINFORGE_DRIVER_MEMORY  heap of a local run (default 4g; --conf spark.driver.memory=... wins)
#   JAVA_OPTS           extra JVM options of a local run
#   TRAINFORGE_SPARK_CDS=0  a local run without the class-data archive target/spark.jsa (see below)
# The jar is built first if target/trainforge.jar is missing. The exit code is the job's.
#
# Commands that work on metadata only (list, show, diff, promote, rollback, retract) start no Spark: locally they run on a light
# JVM (C1 compiler only, serial GC, warnings through SLF4J to stderr instead of Log4j) with a
# class-data archive of their classes, target/metadata.jsa, which their first run after a build
# records (that run takes a few seconds longer). A local generate first checks on that light JVM whether
# its version is already published as asked (then it prints it, as a build would, and exits 0);
# only otherwise does it start the JVM that runs Spark, with the C1 compiler alone when the
# inputs are small (trainforge.spark.small-build-bytes), else with C2 only for the code that runs
# most (ten times HotSpot's compile thresholds). TRAINFORGE_LIGHT_JVM=0 turns both checks off.
# That JVM starts from a class-data archive of its own, target/spark.jsa, which the second local
# Spark run after a build records (that run takes 20-40 s longer on 2 cores; later ones about a quarter less CPU).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar="$here/target/trainforge.jar"
# Local runs use the unshaded classes with the full dependency classpath, Spark included.
local_jar="$here/target/original-trainforge.jar"
classpath_file="$here/target/spark-classpath.txt"
main_class=dev.trainforge.cli.Main

master=""
deploy_mode=""
dry_run=false
confs=()
# An option that takes a value must have one: a usage error (exit 2), not "$2: unbound variable".
need_value() {
  if [[ $# -lt 2 || -z "$2" || "$2" == --* ]]; then
    echo "submit.sh: $1 needs a value, e.g. $1 $3 (usage: ./submit.sh [--master URL] [--deploy-mode MODE] [--conf KEY=VALUE]... [--dry-run] COMMAND [OPTIONS])" >&2
    exit 2
  fi
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) need_value "$1" "${2-}" 'spark://host:7077'; master="$2"; shift 2 ;;
    --master=*) master="${1#*=}"; shift ;;
    --deploy-mode) need_value "$1" "${2-}" cluster; deploy_mode="$2"; shift 2 ;;
    --deploy-mode=*) deploy_mode="${1#*=}"; shift ;;
    --conf) need_value "$1" "${2-}" spark.executor.memory=4g; confs+=("$2"); shift 2 ;;
    --conf=*) confs+=("${1#*=}"); shift ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done

if [[ ! -f "$jar" || ! -f "$local_jar" || ! -f "$classpath_file" ]]; then
  if $dry_run; then
    echo "# target/trainforge.jar is missing: it would be built with ./mvnw -B -q -DskipTests package" >&2
  else
    echo "Building target/trainforge.jar (first run only)..." >&2
    (cd "$here" && ./mvnw -B -q -DskipTests -Dspotless.check.skip=true package >&2)
  fi
fi

run() {
  if $dry_run; then
    printf '%q ' "$@"; echo
    exit 0
  fi
  exec "$@"
}

# Runs a command that needs no Spark on a light JVM (see the top); with the class-data archive
# when it is newer than the jar and the classpath, else recording it (when every classpath entry
# is a file, as the JDK requires) for the next runs. JVM warnings go to stderr: stdout is the
# command's. Uses $heap, $props and $classpath of a local run.
light() {
  local archive="$here/target/metadata.jsa" cds=() tmp="" code
  if [[ -f "$archive" && "$archive" -nt "$local_jar" && "$archive" -nt "$classpath_file" ]]; then
    cds=(-XX:SharedArchiveFile="$archive")
  elif all_files "$classpath"; then
    tmp="$archive.$$.tmp"
    cds=(-XX:ArchiveClassesAtExit="$tmp")
  fi
  code=0
  # shellcheck disable=SC2086
  java -Xmx"$heap" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${cds[@]+"${cds[@]}"} \
    -Xlog:disable -Xlog:all=warning:stderr -Xlog:cds*=off:stderr \
    -Dslf4j.provider=dev.trainforge.cli.WarningsToStderr -Dslf4j.internal.verbosity=WARN \
    -Dtrainforge.light-jvm=true ${JAVA_OPTS:-} "${props[@]}" -cp "$classpath" "$main_class" "$@" ||
    code=$?
  if [[ -n "$tmp" ]]; then
    # Only a run that did its work has loaded what the next ones need, not an error. A generate
    # that stopped at a version to build (99 or 98) has loaded what a check needs: keeping its archive
    # spares every later generate the recording (seconds at exit), which would be thrown away.
    if [[ ($code -eq 0 || $code -eq 99 || $code -eq 98) && -s "$tmp" ]]; then mv -f "$tmp" "$archive"; else rm -f "$tmp"; fi
  fi
  return $code
}

# The JVM that runs Spark locally starts from a class-data archive of the classes a run loads,
# target/spark.jsa, when there is one newer than the jar and the classpath: a local build then
# spends about a quarter less CPU (loading and verifying some 23,000 classes). Recording it
# slows the run that records (dumping some 230 MB at exit: 20-40 s on 2 cores), so the first run
# after a build only leaves a mark (target/spark.jsa.wanted), and the next one records; a run
# that fails keeps nothing. TRAINFORGE_SPARK_CDS=0 turns it off. Sets spark_cds_flags, and
# spark_tmp and spark_archive when this run records.
spark_cds() {
  spark_archive="$here/target/spark.jsa"
  local mark="$spark_archive.wanted"
  spark_cds_flags=()
  spark_tmp=""
  if $dry_run || [[ "${TRAINFORGE_SPARK_CDS:-1}" == 0 ]]; then
    return 0
  fi
  if [[ -f "$spark_archive" && "$spark_archive" -nt "$local_jar" && "$spark_archive" -nt "$classpath_file" ]]; then
    spark_cds_flags=(-XX:SharedArchiveFile="$spark_archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
  elif [[ -f "$mark" && "$mark" -nt "$local_jar" && "$mark" -nt "$classpath_file" ]] && all_files "$classpath"; then
    spark_tmp="$spark_archive.$$.tmp"
    spark_cds_flags=(-XX:ArchiveClassesAtExit="$spark_tmp" -Xlog:cds=off -Xlog:cds+dynamic=off)
    echo "submit.sh: recording target/spark.jsa, the classes a run loads, for faster starts (this run takes 20-40 s longer; once per build)" >&2
  else
    touch "$mark" 2>/dev/null || true
  fi
}

all_files() {
  local entry
  local IFS=:
  for entry in $1; do
    [[ -f "$entry" ]] || return 1
  done
}

if [[ -z "$master" || "$master" == local* ]]; then
  # Embedded Spark: the driver is this JVM, so memory is set on java itself.
  jvm_flags=(-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
    --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
    -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)
  # A build's JVM lives for one build, on the few cores of a local run, where C2's compiling of
  # Spark's warm code took about as much CPU as the join's tasks (S: 43 s of C2 in a 60 s run on 2
  # cores). Compiling with C2 only at ten times HotSpot's default counts keeps C2 for the code
  # that runs for most of the rows (S: 24 s of C2, 10% less wall); the rest stays on C1.
  jvm_flags+=(-XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
    -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000)
  # Nor does it give heap back to the OS mid-build: G1 uncommits what a collection left free, and
  # the next tasks fault the same memory in again, zeroed page by page by the kernel (S, 12 GiB
  # heap: 1.1-1.3M page faults and 10-14 s of system CPU; never shrinking, 0.9-1.0M and 7.5-9 s,
  # and 2-4 s less wall). The heap stays at most what the build needed at its peak.
  jvm_flags+=(-XX:MaxHeapFreeRatio=100)
  props=(-Duser.timezone=UTC)
  heap="${TRAINFORGE_DRIVER_MEMORY:-4g}"
  [[ -n "$master" ]] && props+=("-Dspark.master=$master")
  for c in "${confs[@]+"${confs[@]}"}"; do
    props+=("-D$c")
    # The driver is this JVM: its memory is the heap of java itself, as spark-submit would set it.
    [[ "${c%%=*}" == spark.driver.memory ]] && heap="${c#*=}"
  done
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  classpath="$local_jar:$(cat "$classpath_file" 2>/dev/null || true)"
  if ! $dry_run && [[ "${TRAINFORGE_LIGHT_JVM:-1}" != 0 ]]; then
    case "${1:-}" in
      list|show|diff|promote|rollback|retract)
        code=0
        light "$@" || code=$?
        exit $code ;;
      generate)
        # Exit 99: not published as asked, a build is needed (nothing was printed). Exit 98: a
        # small build (inputs under trainforge.spark.small-build-bytes): C2's compiling of Spark's
        # hot code costs such a build more CPU than it saves (the sample: about half its CPU), so
        # its JVM compiles with C1 alone. JAVA_OPTS, which comes after, can say otherwise.
        code=0
        light "$@" || code=$?
        [[ $code -eq 99 || $code -eq 98 ]] || exit $code
        if [[ $code -eq 98 ]]; then jvm_flags+=(-XX:TieredStopAtLevel=1); fi
        # The build's JVM does not check again what the light JVM found.
        props+=(-Dtrainforge.published-version-checked=true) ;;
    esac
  fi
  spark_cds
  if [[ -n "$spark_tmp" ]]; then
    code=0
    # shellcheck disable=SC2086
    java -Xmx"$heap" "${jvm_flags[@]}" "${spark_cds_flags[@]}" ${JAVA_OPTS:-} "${props[@]}" \
      -cp "$classpath" "$main_class" "$@" || code=$?
    if [[ $code -eq 0 && -s "$spark_tmp" ]]; then
      mv -f "$spark_tmp" "$spark_archive" && rm -f "$spark_archive.wanted"
    else
      rm -f "$spark_tmp"
    fi
    exit $code
  fi
  # shellcheck disable=SC2086
  run java -Xmx"$heap" "${jvm_flags[@]}" ${spark_cds_flags[@]+"${spark_cds_flags[@]}"} ${JAVA_OPTS:-} \
    "${props[@]}" -cp "$classpath" "$main_class" "$@"
fi

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  spark_submit="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null 2>&1; then
  spark_submit=$(command -v spark-submit)
else
  echo "submit.sh: master '$master' needs spark-submit: set SPARK_HOME or put spark-submit on PATH" >&2
  exit 2
fi

args=("$spark_submit" --master "$master" --class "$main_class")
[[ -n "$deploy_mode" ]] && args+=(--deploy-mode "$deploy_mode")
# Defaults the job needs, only where the caller has not set them.
declare -A given=()
for c in "${confs[@]+"${confs[@]}"}"; do given["${c%%=*}"]=1; args+=(--conf "$c"); done
for d in spark.sql.session.timeZone=UTC \
         spark.serializer=org.apache.spark.serializer.KryoSerializer \
         spark.sql.adaptive.enabled=true \
         "spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,io.delta.sql.DeltaSparkSessionExtension" \
         spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog; do
  [[ -n "${given[${d%%=*}]:-}" ]] || args+=(--conf "$d")
done
run "${args[@]}" "$jar" "$@"
