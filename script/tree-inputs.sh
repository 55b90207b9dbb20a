#!/usr/bin/env bash
# The training set the proof-tree scripts prove (script/e2e.sh, bench-tree.sh, bench-ray.sh),
# made with the CLI as a user would: N sample records (`lineage sample --records N` into
# DIR/sample), its two datasets built at depth 10 (DIR/atelier.json, DIR/harbor.json) and a
# stand-in model file of 65,536 bytes `w` (DIR/weights.bin). At N = 80: the inputs of
# script/e2e.sh's tree, and those tree_fixture.rs rebuilds in Rust.
#
#   script/tree-inputs.sh LINEAGE N DIR
set -euo pipefail

lineage=${1:?usage: script/tree-inputs.sh LINEAGE N DIR}
n=${2:?usage: script/tree-inputs.sh LINEAGE N DIR}
dir=${3:?usage: script/tree-inputs.sh LINEAGE N DIR}
mkdir -p "$dir"
"$lineage" sample --records "$n" -o "$dir/sample" >/dev/null
for d in atelier harbor; do
    "$lineage" dataset build "$dir/sample/$d/records.jsonl" --depth 10 -o "$dir/$d.json" >/dev/null
done
head -c 65536 /dev/zero | tr '\0' 'w' >"$dir/weights.bin"
