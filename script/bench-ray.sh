#!/usr/bin/env bash
# The Ray executor against one local process, side by side (BENCHMARKS.md, "A proof tree on
# Ray"): N sample records (default 80: script/e2e.sh's tree, two chunks, one node, the root)
# under demo-declared-tree, proven twice from the same plan in fresh work folders:
#   1. `lineage prove --jobs 1`: one process, every task in turn;
#   2. deploy/ray/lineage_ray.py on a local cluster of 2 nodes (2 CPUs, 11 GiB each),
#      started after (1) so that its processes do not share the machine with it;
# each under /usr/bin/time -v (wall, peak RSS of the process tree's largest member). Prints
# both wall times, their ratio, and the Ray driver's seconds per task. Heavy (~20 min on 2
# cores): not in CI. Needs the demo-declared-tree keys cached. Output: target/bench-ray/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

n=${1:-80}
cargo build --locked -q --workspace --tests
lineage=$PWD/target/debug/lineage
out=target/bench-ray
rm -rf "$out" && mkdir -p "$out"
script/tree-inputs.sh "$lineage" "$n" "$out"
data="$out/atelier.json,$out/harbor.json"
prove=(prove --profile demo-declared --dev-srs --datasets "$data" --train "$data"
    --model-file "$out/weights.bin")
"$lineage" "${prove[@]}" -o "$out/ray.json" --plan-only >/dev/null

wall() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'; }
peak() { grep "Maximum resident" "$1" | awk '{printf "%.2f", $NF / 1048576}'; }

echo "1. lineage prove --jobs 1 ..." >&2
/usr/bin/time -v "$lineage" "${prove[@]}" -o "$out/local.json" --jobs 1 2>"$out/local.log" >/dev/null ||
    { cat "$out/local.log"; exit 1; }

echo "2. the Ray driver on a local cluster of 2 nodes ..." >&2
tmp=$(mktemp -d /tmp/lineage-ray.XXXXXX)
trap 'deploy/ray/local-cluster.sh stop "$tmp"' EXIT
RAY_ADDRESS=$(deploy/ray/local-cluster.sh start "$tmp" 2 2 11)
export RAY_ADDRESS
venv="$(script/pyvenv.sh ray deploy/ray/requirements.txt)"
/usr/bin/time -v "$venv/bin/python" deploy/ray/lineage_ray.py "$out/ray.json.work/plan.json" \
    --dev-srs --lineage "$lineage" --output "$out/ray.json" --json \
    >"$out/ray-summary.json" 2>"$out/ray.log" || { cat "$out/ray.log"; exit 1; }
"$lineage" verify "$out/ray.json" >/dev/null
"$lineage" verify "$out/local.json" >/dev/null

local_s=$(wall "$out/local.log")
ray_s=$(wall "$out/ray.log")
echo "| N | lineage prove --jobs 1 | Ray, 2 local nodes | ratio Ray / local | Ray per task (s) |"
echo "|---|---|---|---|---|"
echo "| $n | $local_s s, $(peak "$out/local.log") GB | $ray_s s | $(awk -v a="$ray_s" -v b="$local_s" 'BEGIN{printf "%.3f", a / b}') | $(node -e '
const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(Object.entries(s.task_seconds).map(([t, x]) => `${t} ${x}`).join(", "));' "$out/ray-summary.json") |"
