#!/usr/bin/env bash
# The similarity lookup at scale (issue 21), as reported in BENCHMARKS.md: a local anvil
# with Lineage deployed and the demo proof attested (bench_chain, a few events), then for
# each backend a fresh release indexer (response cache off) that indexes $N fingerprinted
# outputs (similar_load: 1,000-output batches anchored on anvil, their manifests posted
# through the API) and answers $QUERIES GET /v1/outputs/similar, half near-duplicates of
# indexed fingerprints and half unrelated ones, one at a time. Prints similar_load's JSON
# (latency percentiles, near-duplicates found, false matches) and the database's size.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

N="${N:-1000000}"
QUERIES="${QUERIES:-2000}"
BACKENDS="${BACKENDS:-sqlite postgres}"
# release (default), or dev: the test profile, dependencies optimised, this crate not.
PROFILE="${PROFILE:-release}"
say() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

say "building ($PROFILE)"
cargo build --profile "$PROFILE" --locked -p lineage-indexer --bin lineage-indexer \
    --example bench_chain --example similar_load
DIR=target/$([[ $PROFILE == dev ]] && echo debug || echo "$PROFILE")
BIN=$DIR/lineage-indexer

source script/bench-anvil.sh
start_anvil
"$DIR"/examples/bench_chain "$RPC" "$REGISTRY" "$VAULT" 100 >/dev/null

for backend in $BACKENDS; do
    case $backend in
        sqlite) DB="sqlite:$WORK/similar.db" ;;
        postgres)
            ADMIN="$(script/postgres.sh)"
            NAME="lineage_similar_$$"
            psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $NAME" -c "CREATE DATABASE $NAME"
            DB="${ADMIN%/*}/$NAME"
            ;;
    esac
    API=$((40000 + RANDOM % 20000))
    say "$backend: $N fingerprints, $QUERIES lookups (response cache off)"
    RUST_LOG=warn "$BIN" --rpc-url "$RPC" --database-url "$DB" --registry "$REGISTRY" \
        --vault "$VAULT" --listen "127.0.0.1:$API" --confirmations 0 --poll-interval-ms 20 \
        --cache-entries 0 &
    pid=$!
    PIDS+=($pid)
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API/ready") == 200 ]]; do
        sleep 0.05
    done
    "$DIR"/examples/similar_load "$RPC" "$REGISTRY" "http://127.0.0.1:$API" "$N" "$QUERIES"
    case $backend in
        sqlite) echo "database: $(du -b "$WORK/similar.db" | cut -f1) bytes" ;;
        postgres) echo "database: $(psql "$DB" -Atc "SELECT pg_database_size(current_database())") bytes" ;;
    esac
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [[ $backend == postgres ]]; then psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $NAME WITH (FORCE)"; fi
done
