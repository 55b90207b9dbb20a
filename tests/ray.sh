#!/usr/bin/env bash
# The proof tree on a Ray cluster (deploy/ray/lineage_ray.py), on this machine: a head and one
# more Ray node joined to it, each started with explicit --num-cpus, --memory and
# --object-store-memory. It proves script/e2e.sh's plan (80 records, demo-declared-tree: two
# chunks, one node, the root) anew in a folder of its own, from the plan and its witness
# files only, and:
#   - kills the Ray worker running a chunk task with -9 in the middle of it: its `lineage`
#     child dies with it, Ray retries the task and the plan completes (1 retry reported);
#   - checks the attestation by `lineage verify`, and its public words against those of the
#     local result of the same plan (`prove_set` with one job, as `lineage prove --jobs 1`;
#     the committed fixture crates/prover/tests/tree_fixture.rs proves from the same
#     inputs): all but the accumulator, which is the proof's own;
#   - a driver restarted on the same plan runs nothing;
#   - a task that fails (a chunk given another chunk's witness) stops the plan with lineage's
#     message, once, without retries, and leaves no `lineage` behind.
#
#   tests/ray.sh [PLAN] [ATTESTATION]
#       PLAN         default target/e2e/tree/attestation.json.work/plan.json (script/e2e.sh)
#       ATTESTATION  where the attestation is copied [default: none]
#
# Needs the keys of demo-declared-tree in the cache (script/e2e.sh's setup) and python3.11;
# installs Ray 2.60.0 from deploy/ray/requirements.txt (script/pyvenv.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

src=${1:-target/e2e/tree/attestation.json.work/plan.json}
copy_to=${2:-}
fail() { echo "tests/ray.sh: $*" >&2; exit 1; }
step() { printf '\n-- ray: %s\n' "$*"; }
[[ -f $src ]] || fail "no plan at $src (run script/e2e.sh first)"

venv="$(script/pyvenv.sh ray deploy/ray/requirements.txt)"
ray="$venv/bin/ray"
python="$venv/bin/python"
lineage="$PWD/target/debug/lineage"
fixture=contracts/test/fixtures/demo-declared-tree-proof.json

step "unit tests of the driver's logic"
"$python" -m unittest discover -s deploy/ray -p 'test_*.py'

out=target/ray
rm -rf "$out"
mkdir -p "$out/work"
cp "$src" "$out/work/plan.json"
cp "$(dirname "$src")"/chunk.*.in.json "$out/work/"

# A cluster of its own: its own temporary folder and a free port.
tmp=$(mktemp -d /tmp/lineage-ray.XXXXXX)
ports=($("$python" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
))
export RAY_ADDRESS="127.0.0.1:${ports[0]}"
export RAY_USAGE_STATS_ENABLED=0
stop() { "$ray" stop --force >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap stop EXIT
# 11 GiB and 2 CPUs a node: a node or root task (10 and 9 GB stated) fits one node alone, two
# chunk tasks (4 GB) run at once, one a node.
node_opts=(--num-cpus 2 --memory $((11 << 30)) --object-store-memory $((200 << 20))
    --node-ip-address 127.0.0.1 --disable-usage-stats)
step "a local cluster: the head and one more node"
"$ray" start --head --port "${ports[0]}" --include-dashboard false --temp-dir "$tmp" \
    "${node_opts[@]}" >"$out/head.log" 2>&1 || { cat "$out/head.log"; fail "ray start --head"; }
"$ray" start --address "$RAY_ADDRESS" "${node_opts[@]}" \
    --dashboard-agent-listen-port "${ports[1]}" --dashboard-agent-grpc-port "${ports[2]}" \
    --metrics-export-port "${ports[3]}" --runtime-env-agent-port "${ports[4]}" \
    >"$out/worker.log" 2>&1 || { cat "$out/worker.log"; fail "ray start (the second node)"; }
"$python" -c '
import ray, sys
ray.init(address="auto", logging_level="ERROR")
n = [x for x in ray.nodes() if x["Alive"]]
print(f"{len(n)} nodes, resources {ray.cluster_resources()}")
sys.exit(0 if len(n) == 2 else 1)
' || fail "the cluster does not have two nodes"

driver=("$python" deploy/ray/lineage_ray.py --dev-srs --lineage "$lineage")

step "the plan on Ray; the worker of chunk.00000 killed with -9 during its proof"
"${driver[@]}" "$out/work/plan.json" --output "$out/attestation.json" --json \
    >"$out/summary.json" 2> >(tee "$out/driver.log" >&2) &
pid=$!
child=
for _ in $(seq 600); do
    child=$(pgrep -f "prove-task .*lineage-chunk.00000-" | head -n 1 || true)
    [[ -n $child ]] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.2
done
[[ -n $child ]] || fail "no lineage prove-task of chunk.00000 was started"
sleep 3
kill -0 "$child" 2>/dev/null || fail "chunk.00000 finished before it could be interrupted"
worker=$(ps -o ppid= -p "$child" | tr -d ' ')
echo "killing the Ray worker $worker (its lineage child: $child)"
kill -9 "$worker"
for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$child" 2>/dev/null; then fail "the lineage child $child outlived its worker"; fi
wait $pid || fail "the plan did not complete after the worker was killed"
node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (s.retried !== 1 || s.proven.length !== 4) {
    console.error(`tests/ray.sh: the summary ${JSON.stringify(s)}: not 4 tasks proven, 1 retried`);
    process.exit(1);
}' "$out/summary.json"
grep -q "^\[4/4\] running 0, failed 0, retried 1" "$out/driver.log" || fail "no progress line of the end"

step "lineage verify, and the public words of the local result of the same plan"
"$lineage" verify "$out/attestation.json"
node -e '
const fs = require("fs");
const ray = JSON.parse(fs.readFileSync(process.argv[1], "utf8")).instances;
const local = JSON.parse(fs.readFileSync(process.argv[2], "utf8")).instances;
const ACCUMULATOR = 12; // AggregateLayout: the accumulator limbs come first, the proof own
const a = ray.slice(ACCUMULATOR).join(), b = local.slice(ACCUMULATOR).join();
if (ray.length !== local.length || a !== b) {
    console.error(`tests/ray.sh: the Ray proof carries other public words than the local one:\n${a}\n${b}`);
    process.exit(1);
}' "$out/attestation.json" "$fixture"

step "a driver restarted on the same plan proves nothing"
sum=$(sha256sum <"$out/attestation.json")
"${driver[@]}" "$out/work/plan.json" --output "$out/attestation.json" 2>&1 | tee "$out/again.log"
grep -q "4 finished or not needed, 0 to run" "$out/again.log" || fail "the restarted driver ran tasks"
[[ $(sha256sum <"$out/attestation.json") == "$sum" ]] || fail "the attestation changed"

step "a task that fails stops the plan, once, with its message"
mkdir -p "$out/bad"
cp "$out/work/plan.json" "$out/bad/"
w0=$(ls "$out/work"/chunk.00000-*.in.json)
w1=$(ls "$out/work"/chunk.00001-*.in.json)
cp "${w0%.in.json}.json" "$out/bad/"     # chunk.00000 finished
cp "$w0" "$out/bad/$(basename "$w1")"    # chunk.00001 given chunk.00000's witness
if "${driver[@]}" "$out/bad/plan.json" >"$out/bad.log" 2>&1; then
    cat "$out/bad.log"; fail "a plan with another chunk's witness completed"
fi
cat "$out/bad.log"
grep -q "the plan stopped: task chunk.00001: lineage prove-task exited 1" "$out/bad.log" \
    || fail "no stop with the task's exit"
grep -q "is not the witness of chunk.00001" "$out/bad.log" || fail "not lineage's message"
grep -q "retried 0" "$out/bad.log" || fail "a failed task was retried"
sleep 1
if pgrep -f "prove-task .*/lineage-(chunk|node|root)" >/dev/null; then fail "a lineage process was left behind"; fi

if [[ -n $copy_to ]]; then cp "$out/attestation.json" "$copy_to"; fi
echo "tests/ray.sh: ok"
