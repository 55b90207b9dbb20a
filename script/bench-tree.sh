#!/usr/bin/env bash
# The proof tree's figures for BENCHMARKS.md ("The proof tree, task by task"): for each N
# given (default 64 128 256: 1x, 2x and 4x the demo chunk of 64), a training set of N
# sample records under demo-declared-tree, planned with `lineage prove --plan-only` and run
# task by task with `lineage prove-task`, each task under /usr/bin/time -v: wall seconds
# and peak RSS per task, per stage and per record. Heavy (minutes per node): not in CI.
# Needs the demo-declared-tree keys cached (`lineage setup --profile demo-declared-tree
# --dev-srs`, ~7 min). Output: target/bench-tree/<N>/ and a table on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(64 128 256)
cargo build --locked -q --workspace --tests
lineage=$PWD/target/debug/lineage
out=target/bench-tree
mkdir -p "$out"
echo "| N | chunks | height | task | wall s | peak RSS GB |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    dir=$out/$n
    rm -rf "$dir" && mkdir -p "$dir"
    script/tree-inputs.sh "$lineage" "$n" "$dir"
    data="$dir/atelier.json,$dir/harbor.json"
    "$lineage" prove --profile demo-declared-tree --dev-srs --datasets "$data" --train "$data" \
        --model-file "$dir/weights.bin" -o "$dir/attestation.json" --plan-only --json >"$dir/plan-summary.json"
    plan=$dir/attestation.json.work/plan.json
    read -r chunks height < <(node -e '
        const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(p.chunks, p.height);' "$plan")
    for id in $(node -e '
        const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(p.tasks.map((t) => t.id).join(" "));' "$plan"); do
        /usr/bin/time -v "$lineage" prove-task --dev-srs "$plan" "$id" 2>"$dir/$id.log" >/dev/null ||
            { cat "$dir/$id.log"; exit 1; }
        wall=$(grep "Elapsed (wall clock)" "$dir/$id.log" | awk '{print $NF}' |
            awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
        rss=$(grep "Maximum resident set size" "$dir/$id.log" | awk '{printf "%.2f", $NF / 1e6}')
        echo "| $n | $chunks | $height | $id | $wall | $rss |"
    done
    "$lineage" verify "$dir/attestation.json.work/attestation.json" >/dev/null
done
