#!/usr/bin/env bash
# Prepares the catalog servers of the catalog integration tests and prints, on stdout, the lines
# scripts/it-env.sh adds to target/it-env.properties (messages go to stderr):
#   - postgres.bin: the bin directory of Debian's PostgreSQL server (initdb, postgres, pg_ctl),
#     for PostgresCatalogIT. Installed with apt-get when missing (apt-get update once, then
#     apt-get install -y postgresql), which needs root.
#   - iceberg-rest.classpath.file, iceberg-rest.main: an Iceberg REST catalog server, run by
#     RestCatalogIT as a process of its own (it/iceberg-rest/).
# Fails, never skips: the tests cannot run without these.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
env_dir="${TRAINFORGE_IT_ENV:-$repo/.it-env}"

fail() { echo "it-env-catalogs.sh: $*" >&2; exit 1; }

# The newest installed server version's bin directory, or nothing.
postgres_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/postgres" && -x "$dir/pg_ctl" ]]; then
      echo "$dir"
      return
    fi
  done
}

pg_bin=$(postgres_bin)
if [[ -z "$pg_bin" ]]; then
  [[ $(id -u) -eq 0 ]] ||
    fail "PostgreSQL's server is not installed (/usr/lib/postgresql/*/bin/initdb): run sudo apt-get install -y postgresql"
  command -v apt-get >/dev/null 2>&1 ||
    fail "PostgreSQL's server is not installed and there is no apt-get: install PostgreSQL 15 or later"
  echo "it-env-catalogs.sh: installing PostgreSQL (apt-get install -y postgresql)" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  pg_bin=$(postgres_bin)
  [[ -n "$pg_bin" ]] || fail "apt-get installed postgresql, but /usr/lib/postgresql/*/bin/initdb is still missing"
fi
# The server refuses to run as root: the tests run it as the package's 'postgres' user then.
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 ||
    fail "running as root, but there is no 'postgres' user to run the server as: reinstall the postgresql package, or run the tests as another user"
fi

rest_cp="$env_dir/iceberg-rest-classpath.txt"
rest_stamp=$(sha256sum "$repo/it/iceberg-rest/pom.xml" | cut -c1-16)
if [[ "$(cat "$rest_cp.stamp" 2>/dev/null || true)" != "$rest_stamp" || ! -s "$rest_cp" ]]; then
  mkdir -p "$env_dir"
  "$repo/mvnw" -B -q -f "$repo/it/iceberg-rest/pom.xml" dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$rest_cp" >&2
  echo "$rest_stamp" > "$rest_cp.stamp"
fi

echo "postgres.bin=$pg_bin"
echo "iceberg-rest.classpath.file=$rest_cp"
echo "iceberg-rest.main=$repo/it/iceberg-rest/RestCatalogServerMain.java"
