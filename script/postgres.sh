#!/usr/bin/env bash
# Makes a local PostgreSQL server available for the indexer's tests and benchmarks:
# installs Debian's `postgresql` package when no server binary is found, starts the
# cluster when none answers on 127.0.0.1:5432, and creates the role `lineage`
# (password `lineage`, CREATEDB: the tests create a fresh database each) if missing.
# Idempotent; prints the URL to use, e.g.
#   export LINEAGE_TEST_POSTGRES_URL="$(script/postgres.sh)"
# Needs root (or an existing server where the role can be created via `sudo -u postgres`).
set -euo pipefail

say() { printf 'postgres: %s\n' "$*" >&2; }
die() { printf 'postgres: error: %s\n' "$*" >&2; exit 1; }

PORT="${LINEAGE_PG_PORT:-5432}"
URL="postgres://lineage:lineage@127.0.0.1:${PORT}/postgres"

# Runs psql as the `postgres` superuser, reading SQL from stdin.
psql_as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then
        su postgres -s /bin/sh -c "psql -p $PORT -q -v ON_ERROR_STOP=1"
    else
        sudo -u postgres psql -p "$PORT" -q -v ON_ERROR_STOP=1
    fi
}

if ! command -v pg_lsclusters >/dev/null && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    say "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    cluster="$(pg_lsclusters --no-header | awk -v p="$PORT" '$3 == p {print $1 " " $2; exit}')"
    [[ -n $cluster ]] || die "no PostgreSQL cluster configured on port $PORT (pg_lsclusters)"
    say "starting cluster $cluster"
    # shellcheck disable=SC2086 # "version name"
    pg_ctlcluster $cluster start >&2
    for _ in $(seq 1 30); do
        pg_isready -q -h 127.0.0.1 -p "$PORT" && break
        sleep 0.5
    done
    pg_isready -q -h 127.0.0.1 -p "$PORT" || die "the server did not come up on port $PORT"
fi

if ! PGPASSWORD=lineage psql -h 127.0.0.1 -p "$PORT" -U lineage -d postgres -qtAc 'select 1' \
    >/dev/null 2>&1; then
    say "creating role lineage"
    psql_as_postgres >&2 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lineage') THEN
    CREATE ROLE lineage LOGIN CREATEDB PASSWORD 'lineage';
  ELSE
    ALTER ROLE lineage LOGIN CREATEDB PASSWORD 'lineage';
  END IF;
END $$;
SQL
fi

echo "$URL"
