#!/usr/bin/env bash
# The end-to-end demo, as far as the pipeline exists: commit the two sample datasets,
# then prove and check one work's inclusion. Output goes to target/demo/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT=target/demo
cargo build --release --locked -p lineage-cli
lineage() { target/release/lineage "$@"; }

rm -rf "$OUT"
echo "== sample corpus (made by code, no downloads)"
lineage sample -o "$OUT/sample"

for d in atelier harbor; do
    echo "== dataset build: $d"
    root=$(lineage dataset build "$OUT/sample/$d/records.jsonl" --depth 16 -o "$OUT/$d.manifest.json")
    echo "   root $root"
done

work="$OUT/sample/harbor/works/harbor-003.txt"
echo "== inclusion of $work"
lineage dataset prove-inclusion "$OUT/harbor.manifest.json" --content "$work" -o "$OUT/harbor-003.proof.json"
root=$(node -p "require('./$OUT/harbor.manifest.json').root")
lineage dataset verify-inclusion "$OUT/harbor-003.proof.json" --root "$root" --content "$work"
echo "== a work from the other dataset is refused"
if lineage dataset verify-inclusion "$OUT/harbor-003.proof.json" --root "$root" \
    --content "$OUT/sample/atelier/works/atelier-003.txt"; then
    echo "demo: a wrong work was accepted" >&2
    exit 1
fi
echo "== demo done: manifests and proof in $OUT/"
