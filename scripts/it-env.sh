#!/usr/bin/env bash
# Prepares what the integration tests (*IT.java, run by `./mvnw -B verify`) need, and writes
# where it is to target/it-env.properties:
#   - a Python venv with pyspark (a Spark distribution: bin/spark-class, bin/spark-submit),
#     Airflow 3, pytest and the Python read path (clients/python and its dependencies), pinned by
#     it/requirements.txt and it/constraints-3.11.txt;
#   - the classpath of S3Proxy, the S3-compatible server of the S3 test (it/s3proxy/pom.xml);
#   - Debian's Chromium, which the report test renders report.html in (installed with apt-get
#     when missing; needs root, as on this project's machines).
#   - the catalog servers (PostgreSQL, an Iceberg REST catalog): scripts/it-env-catalogs.sh.
# Idempotent: the venv is reused while those two files (and clients/python/pyproject.toml) are
# unchanged. It lives outside target/ (default .it-env/, or TRAINFORGE_IT_ENV) so that `mvn clean`
# does not cost a reinstall.
# Fails, never skips: the tests cannot run without these.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
env_dir="${TRAINFORGE_IT_ENV:-$repo/.it-env}"
venv="$env_dir/venv"
out="$repo/target/it-env.properties"
python="${TRAINFORGE_IT_PYTHON:-}"

fail() { echo "it-env.sh: $*" >&2; exit 1; }

if [[ -z "$python" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python=$(command -v "$candidate"); break; fi
  done
fi
[[ -n "$python" ]] || fail "no python3 found: install Python 3.11 or set TRAINFORGE_IT_PYTHON"
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# The constraints file is resolved for one Python version, as Airflow's own files are.
[[ "$version" == "3.11" ]] ||
  fail "$python is Python $version; the pinned constraints (it/constraints-3.11.txt) need 3.11: set TRAINFORGE_IT_PYTHON"

stamp=$(cat "$repo/it/requirements.txt" "$repo/it/constraints-3.11.txt" "$repo/clients/python/pyproject.toml" |
  sha256sum | cut -c1-16)
if [[ "$(cat "$venv/.trainforge-stamp" 2>/dev/null || true)" != "$stamp" ]]; then
  echo "it-env.sh: installing the Python test environment into $venv" >&2
  start=$SECONDS
  rm -rf "$venv"
  mkdir -p "$env_dir"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check \
    -r "$repo/it/requirements.txt" -c "$repo/it/constraints-3.11.txt"
  # The Python read path (its dependencies are pinned above). PythonClientIT puts this checkout's
  # clients/python/src first on PYTHONPATH anyway, so a venv shared by checkouts tests the right code.
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e "$repo/clients/python"
  echo "$stamp" > "$venv/.trainforge-stamp"
  echo "it-env.sh: Python environment ready in $((SECONDS - start)) s" >&2
fi

spark_home=$("$venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
[[ -x "$spark_home/bin/spark-class" && -x "$spark_home/bin/spark-submit" ]] ||
  fail "$spark_home has no bin/spark-class or bin/spark-submit: reinstall with rm -rf $venv"

s3proxy_cp="$env_dir/s3proxy-classpath.txt"
s3proxy_stamp=$(sha256sum "$repo/it/s3proxy/pom.xml" | cut -c1-16)
if [[ "$(cat "$s3proxy_cp.stamp" 2>/dev/null || true)" != "$s3proxy_stamp" || ! -s "$s3proxy_cp" ]]; then
  mkdir -p "$env_dir"
  "$repo/mvnw" -B -q -f "$repo/it/s3proxy/pom.xml" dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$s3proxy_cp"
  echo "$s3proxy_stamp" > "$s3proxy_cp.stamp"
fi

chromium="${TRAINFORGE_IT_CHROMIUM:-}"
if [[ -z "$chromium" ]]; then
  if ! command -v chromium >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] ||
      fail "Chromium is missing: run 'apt-get install chromium' as root, or set TRAINFORGE_IT_CHROMIUM"
    echo "it-env.sh: installing Debian's chromium package" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  fi
  chromium=$(command -v chromium) || fail "chromium is still missing after apt-get install"
fi

mkdir -p "$(dirname "$out")"
{
  echo "# Written by scripts/it-env.sh; read by the integration tests."
  echo "python=$venv/bin/python"
  echo "spark.home=$spark_home"
  echo "s3proxy.classpath.file=$s3proxy_cp"
  echo "chromium=$chromium"
} > "$out"
# Catalog servers (PostgreSQL, an Iceberg REST catalog): a script of their own.
bash "$repo/scripts/it-env-catalogs.sh" >> "$out"
echo "it-env.sh: wrote $out" >&2
