#!/usr/bin/env bash
# The proof tree on a Ray cluster (deploy/ray/lineage_ray.py), on this machine: a head and one
# more Ray node joined to it, each started with explicit --num-cpus, --memory and
# --object-store-memory. It proves script/e2e.sh's plan (80 records, demo-declared-tree: two
# chunks, one node, the root) anew in a folder of its own, from the plan and its witness
# files only, and:
#   - kills the Ray worker running a chunk task with -9 in the middle of it: its `lineage`
#     child dies with it, Ray retries the task (1 retry reported);
#   - kills the driver with -9 during the node's proof: no `lineage` outlives its job, and
#     the driver started again proves the node and the root only, from the chunk outputs
#     the first one wrote;
#   - checks the attestation by `lineage verify`, and its public words against those of the
#     local result of the same plan (`prove_set` with one job, as `lineage prove --jobs 1`;
#     the committed fixture crates/prover/tests/tree_fixture.rs proves from the same
#     inputs): all but the accumulator, which is the proof's own;
#   - a driver started again on the finished plan runs nothing;
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
step() { printf '\n-- ray: %s (%s)\n' "$*" "$(date +%T)"; }
[[ -f $src ]] || fail "no plan at $src (run script/e2e.sh first)"

venv="$(script/pyvenv.sh ray deploy/ray/requirements.txt)"
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

# A cluster of its own: 2 nodes of 2 CPUs and 11 GiB. A node or root task (10 and 9 GB
# stated) fits one node alone; two chunk tasks (4 GB) run at once, one a node.
tmp=$(mktemp -d /tmp/lineage-ray.XXXXXX)
stop() { deploy/ray/local-cluster.sh stop "$tmp"; }
trap stop EXIT
step "a local cluster: the head and one more node (deploy/ray/local-cluster.sh)"
RAY_ADDRESS=$(deploy/ray/local-cluster.sh start "$tmp" 2 2 11) || fail "the local cluster did not start"
export RAY_ADDRESS

driver=("$python" deploy/ray/lineage_ray.py --dev-srs --lineage "$lineage")

step "the plan on Ray; the worker of chunk.00000 killed with -9 during its proof"
"${driver[@]}" "$out/work/plan.json" --output "$out/attestation.json" --json \
    >"$out/summary-1.json" 2> >(tee "$out/driver-1.log" >&2) &
pid=$!
tasks() { pgrep -f "prove-task .*/lineage-${1:-}" || true; }
started() { # TASK: the pid of its lineage prove-task, once the driver has started it
    local child=
    for _ in $(seq 1500); do
        child=$(tasks "$1-" | head -n 1)
        [[ -n $child ]] && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.2
    done
    echo "$child"
}
child=$(started chunk.00000)
[[ -n $child ]] || fail "no lineage prove-task of chunk.00000 was started"
sleep 3
kill -0 "$child" 2>/dev/null || fail "chunk.00000 finished before it could be interrupted"
worker=$(ps -o ppid= -p "$child" | tr -d ' ')
echo "killing the Ray worker $worker (its lineage child: $child)"
kill -9 "$worker"
for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$child" 2>/dev/null; then fail "the lineage child $child outlived its worker"; fi

step "the driver killed with -9 during the node's proof, then started again"
child=$(started node.h01.00000)
[[ -n $child ]] || fail "the node task was not started after the chunks (the retry failed?)"
grep -q "retried 1" "$out/driver-1.log" || fail "the lost worker's retry was not reported"
outputs() { find "$out/work" -name 'chunk.*.json' ! -name '*.in.json' | wc -l; }
for _ in $(seq 100); do [[ $(outputs) == 2 ]] && break; sleep 0.2; done
[[ $(outputs) == 2 ]] || fail "the driver did not write the two chunk outputs"
kill -9 $pid
wait $pid 2>/dev/null || true
# Ray ends the dead driver's job and its workers; their lineage children die with them.
for _ in $(seq 300); do [[ -z $(tasks) ]] && break; sleep 0.2; done
[[ -z $(tasks) ]] || fail "a lineage task outlived the killed driver's job"
"${driver[@]}" "$out/work/plan.json" --output "$out/attestation.json" --json \
    >"$out/summary.json" 2> >(tee "$out/driver.log" >&2) || fail "the restarted driver failed"
node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (s.reused !== 2 || s.proven.join() !== "node.h01.00000,root" || s.retried !== 0) {
    console.error(`tests/ray.sh: the restarted driver ${JSON.stringify(s)}: not the node and the root alone`);
    process.exit(1);
}' "$out/summary.json"
grep -q "2 finished or not needed, 2 to run" "$out/driver.log" || fail "the restart did not plan from the files"
grep -q "^\[2/2\] running 0, failed 0, retried 0" "$out/driver.log" || fail "no progress line of the end"

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

step "a driver started again on the finished plan proves nothing"
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
[[ -z $(tasks) ]] || fail "a lineage process was left behind"

if [[ -n $copy_to ]]; then cp "$out/attestation.json" "$copy_to"; fi
echo "tests/ray.sh: ok"
