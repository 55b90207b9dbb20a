# Sourced by the indexer benchmarks (script/bench-indexer.sh, script/bench-similar.sh):
# a work folder and the cleanup of what they start, then `start_anvil`: a local anvil with
# Lineage deployed by script/Deploy.s.sol. Sets WORK, PIDS, RPC, REGISTRY and VAULT.
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

start_anvil() {
    local port=$((20000 + RANDOM % 20000))
    RPC="http://127.0.0.1:$port"
    anvil --port "$port" --silent --gas-limit 1000000000 >/dev/null 2>&1 &
    PIDS+=($!)
    for _ in $(seq 50); do cast block-number --rpc-url "$RPC" >/dev/null 2>&1 && break; sleep 0.1; done
    forge script script/Deploy.s.sol --rpc-url "$RPC" --broadcast --json >"$WORK/deploy.json" 2>/dev/null
    # The script returns (deployer, owner, certifier, registry, vault, ...).
    read -r REGISTRY VAULT < <(python3 - "$WORK/deploy.json" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        v = json.loads(line)
    except ValueError:
        continue
    if "returned" in v:
        r = v["returned"][2:]
        words = [r[i * 64:(i + 1) * 64] for i in range(len(r) // 64)]
        print("0x" + words[3][24:], "0x" + words[4][24:])
        break
PY
)
}
