#!/usr/bin/env bash
# Indexer benchmarks, as reported in BENCHMARKS.md:
#  1. ingest: a local anvil is filled with >= $EVENTS Lineage events (the bench_chain
#     example: royalty payments, registrations, certifications, anchors, attestations of
#     the demo proof), then a fresh release indexer backfills it; time to /ready;
#  2. lookups: wrk, a second process on loopback, GETs a mix of /v1 answers (models,
#     datasets, creators, dataset pages) for $DURATION with $CONNS connections, with the
#     response cache on (default) and off (--cache-entries 0).
# Both on SQLite and on Postgres (script/postgres.sh). Needs root for apt (wrk, postgres).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

EVENTS="${EVENTS:-60000}"
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-32}"
THREADS="${THREADS:-1}"
BACKENDS="${BACKENDS:-sqlite postgres}"
# Extra flags for the indexer (e.g. INDEXER_ARGS="--max-connections 4").
read -r -a EXTRA <<<"${INDEXER_ARGS:-}"
say() { printf '\n== %s\n' "$*"; }

if ! command -v wrk >/dev/null; then
    say "installing wrk (Debian)"
    apt-get update -qq && apt-get install -y -qq wrk
fi
say "building (release)"
cargo build --release --locked -p lineage-indexer --bin lineage-indexer --example bench_chain
BIN=target/release/lineage-indexer

source script/bench-anvil.sh
say "deploying (script/Deploy.s.sol) and filling anvil with >= $EVENTS events"
start_anvil
LOGS="$(target/release/examples/bench_chain "$RPC" "$REGISTRY" "$VAULT" "$EVENTS")"
HEAD="$(cast block-number --rpc-url "$RPC")"
echo "chain: $LOGS events of the registry and vault in $HEAD blocks"

paths_lua() {
    # A Lua table of GET paths: every model, 200 random datasets, the three creators of the
    # attested datasets, 20 bulk creators, and the first dataset pages.
    python3 - "$1" <<'PY'
import json, random, sys, urllib.error, urllib.request
base = sys.argv[1]
get = lambda p: json.load(urllib.request.urlopen(base + p))
def exists(p):
    try:
        get(p)
        return True
    except urllib.error.HTTPError:
        return False
random.seed(7)
paths = [f"/v1/models/{m['model_id']}" for m in get("/v1/models?limit=100")["data"]]
lo, hi = 1, 2                       # the number of datasets, by bisection
while exists(f"/v1/datasets/{hi}"):
    lo, hi = hi, hi * 2
while hi - lo > 1:
    mid = (lo + hi) // 2
    lo, hi = (mid, hi) if exists(f"/v1/datasets/{mid}") else (lo, mid)
paths += [f"/v1/datasets/{random.randint(1, lo)}" for _ in range(200)]
creators = {c["address"] for i in (1, 2) for c in get(f"/v1/datasets/{i}")["data"]["creators"]}
for i in random.sample(range(3, lo + 1), 20):
    creators.add(get(f"/v1/datasets/{i}")["data"]["creators"][0]["address"])
paths += [f"/v1/creators/{c}" for c in sorted(creators)]
paths += ["/v1/datasets?limit=25", "/v1/models?limit=4"]
print("paths = {" + ",".join(json.dumps(p) for p in paths) + "}")
print("request = function() return wrk.format('GET', paths[math.random(#paths)]) end")
PY
}

# Starts the indexer on $DB at port $API with extra flags "$@" (pid in $pid) and waits for
# /ready: caught up with the chain.
serve() {
    RUST_LOG=warn "$BIN" --rpc-url "$RPC" --database-url "$DB" --registry "$REGISTRY" \
        --vault "$VAULT" --listen "127.0.0.1:$API" --confirmations 0 \
        ${EXTRA[@]+"${EXTRA[@]}"} "$@" &
    pid=$!
    PIDS+=($pid)
    until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API/ready") == 200 ]]; do
        sleep 0.02
    done
}

for backend in $BACKENDS; do
    case $backend in
        sqlite) DB="sqlite:$WORK/bench.db" ;;
        postgres)
            ADMIN="$(script/postgres.sh)"
            NAME="lineage_bench_$$"
            psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $NAME" -c "CREATE DATABASE $NAME"
            DB="${ADMIN%/*}/$NAME"
            ;;
    esac
    API=$((40000 + RANDOM % 20000))
    say "$backend: ingest"
    start=$(date +%s.%N)
    serve --poll-interval-ms 20
    end=$(date +%s.%N)
    python3 - "$start" "$end" "$LOGS" <<'PY'
import sys
start, end, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"ingest: {n} events in {end - start:.2f} s = {n / (end - start):,.0f} events/s (process start to /ready)")
PY
    curl -s "http://127.0.0.1:$API/v1/status"; echo
    paths_lua "http://127.0.0.1:$API" >"$WORK/paths.lua"
    say "$backend: lookups, response cache on (wrk -t$THREADS -c$CONNS -d$DURATION)"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/paths.lua" "http://127.0.0.1:$API" \
        | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in'
    kill "$pid"; wait "$pid" 2>/dev/null || true

    serve --cache-entries 0
    say "$backend: lookups, no response cache"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/paths.lua" "http://127.0.0.1:$API" \
        | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in'
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [[ $backend == postgres ]]; then psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $NAME WITH (FORCE)"; fi
done
