#!/usr/bin/env bash
# The prover end to end, as a user runs it: the sample corpus -> two datasets -> train ->
# `lineage setup` (demo profile, INSECURE dev SRS; keys cached in $LINEAGE_CACHE or
# ~/.cache/lineage) -> `lineage prove` -> `lineage verify` (and a tampered copy refused) ->
# forge runs the generated verifier on the very calldata `lineage prove` wrote. Then the
# same for a training set of two chunks, proven as a proof tree (demo-declared-tree), its
# plan task by task and on a local Ray cluster (tests/ray.sh).
# Output: target/e2e/. Called by script/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

out=target/e2e
rm -rf "$out"
mkdir -p "$out"
step() { printf '\n-- %s (%s)\n' "$*" "$(date +%T)"; }

# The same targets as `cargo test --workspace`, so that this reuses its build (a `-p` build
# resolves features differently and compiles a second copy of everything).
cargo build --locked -q --workspace --tests
lineage=target/debug/lineage

step "data: sample corpus, two datasets at the demo depth, a trained model"
"$lineage" sample -o "$out/sample" >/dev/null
for d in atelier harbor; do
    "$lineage" dataset build "$out/sample/$d/records.jsonl" --depth 10 -o "$out/$d.json" >/dev/null
done
data="$out/atelier.json,$out/harbor.json"
"$lineage" train --data "$out/atelier.json" --data "$out/harbor.json" --lr 0.25 \
    -o "$out/model.json" >/dev/null

step "lineage setup (cached keys are reused; the verifier must be the committed one)"
"$lineage" setup --profile demo --dev-srs --verifier-out "$out/LineageVerifierDemo.sol"
cmp "$out/LineageVerifierDemo.sol" contracts/verifiers/LineageVerifierDemo.sol

step "lineage prove"
"$lineage" prove --profile demo --dev-srs --datasets "$data" --train "$data" \
    --model "$out/model.json" -o "$out/attestation.json" 2>&1 | tee "$out/prove.log"
# `lineage setup` just checked the cached keys against this executable's circuits:
# `prove` must not spend half a minute doing it again.
if ! grep -q "checked against this executable's circuits before" "$out/prove.log"; then
    echo "e2e: lineage prove re-checked keys this executable had already checked" >&2
    exit 1
fi

# Off a terminal, progress is plain lines: no spinner frames (carriage returns, escapes).
if grep -q $'[\r\e]' "$out/prove.log"; then
    echo "e2e: lineage prove drew a spinner into a log file" >&2
    exit 1
fi
# It names the weights by w_hash: the model id (keccak256(publisher, w_hash)) is another word.
grep -q "proved the weights with w_hash 0x" "$out/prove.log" \
    || { echo "e2e: lineage prove does not say w_hash for the w_hash" >&2; exit 1; }

# tamper ATTESTATION TAMPERED CALLDATA: writes the attestation's calldata as hex, and a copy
# of it with one proof byte changed (in the proof and in the calldata).
tamper() {
    node -e '
const fs = require("fs");
const [src, dst, hexOut] = process.argv.slice(1);
const a = JSON.parse(fs.readFileSync(src, "utf8"));
fs.writeFileSync(hexOut, a.calldata);
const flip = (h, i) => h.slice(0, i) + (h[i] === "0" ? "1" : "0") + h.slice(i + 1);
a.proof = flip(a.proof, 100);
a.calldata = flip(a.calldata, a.calldata.length - a.proof.length + 100);
fs.writeFileSync(dst, JSON.stringify(a));
' "$@"
}

step "lineage verify: the attestation, then a copy with one proof byte changed"
"$lineage" verify "$out/attestation.json"
tamper "$out/attestation.json" "$out/tampered.json" "$out/calldata.hex"
if "$lineage" verify "$out/tampered.json"; then
    echo "e2e: a tampered attestation verified" >&2
    exit 1
fi

step "forge: the generated verifier on lineage prove's calldata"
LINEAGE_E2E_CALLDATA="$out/calldata.hex" forge test --match-contract ProveCalldataTest

# A training set of more than one chunk (64 records): 80 records, training declared, under
# demo-declared's proof-tree twin demo-declared-tree: two chunk proofs, one height-1 node
# over them, and the root (tests/demo.sh attests it on anvil). Its plan's chunks are run
# task by task as an executor would (`prove --plan-only`, `prove-task`), with a `lineage
# prove` between that reuses one, proves the other and is killed (-9) in the node's; then
# tests/ray.sh proves the whole plan anew on a local Ray cluster, and that attestation is
# verified here and attested by tests/demo.sh.
tree=$out/tree
step "a proof tree: 80 records in two chunks (demo-declared-tree), task by task"
script/tree-inputs.sh "$lineage" 80 "$tree"
"$lineage" setup --profile demo-declared-tree --dev-srs \
    --verifier-out "$tree/LineageVerifierDemoDeclaredTree.sol"
cmp "$tree/LineageVerifierDemoDeclaredTree.sol" contracts/verifiers/LineageVerifierDemoDeclaredTree.sol
data="$tree/atelier.json,$tree/harbor.json"
prove_tree=(prove --profile demo-declared --dev-srs --datasets "$data" --train "$data"
    --model-file "$tree/weights.bin" -o "$tree/attestation.json")
fail() { echo "e2e: $*" >&2; exit 1; }
work=$tree/attestation.json.work
plan=$work/plan.json
"$lineage" "${prove_tree[@]}" --plan-only --json >"$tree/plan-summary.json"
node -e '
const fs = require("fs");
const s = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const p = JSON.parse(fs.readFileSync(s.plan, "utf8"));
const ids = p.tasks.map((t) => t.id).join(" ");
const want = "chunk.00000 chunk.00001 node.h01.00000 root";
const bad = (m) => { console.error(`e2e: the plan ${m}`); process.exit(1); };
if (s.profile !== "demo-declared-tree" || p.profile_id !== 7 || p.n_records !== 80) bad("is not the tree of 80");
if (ids !== want) bad(`has tasks ${ids}, not ${want}`);
for (const t of p.tasks)
    if (!(t.mem_gb > 0 && t.cpus > 0) || t.inputs.some((f) => !f)) bad(`task ${t.id} lacks its needs or files`);
' "$tree/plan-summary.json"
task() { "$lineage" prove-task --dev-srs "$plan" "$@"; }
step "prove-task: chunk.00000, then again (kept), and a chunk given another chunk's witness"
task chunk.00000
task chunk.00000 2>&1 | tee "$tree/again.log"
grep -q "already done, kept" "$tree/again.log" || fail "a finished task was proven again"
witness0=$(find "$work" -name 'chunk.00000-*.in.json')
if task chunk.00001 --input "$witness0" --output "$tree/wrong.json" 2>"$tree/wrong.log"; then
    fail "prove-task proved chunk.00001 from chunk.00000's witness"
fi
grep -q "is not the witness of chunk.00001" "$tree/wrong.log" || { cat "$tree/wrong.log"; fail "no reason given"; }
# `lineage prove` reuses chunk.00000, proves chunk.00001 and is killed (-9) once it is in the
# work folder, during the node's proof. ($! is lineage itself: a simple command.)
step "lineage prove over the same plan, killed with -9 after its chunk proof"
"$lineage" "${prove_tree[@]}" >"$tree/killed.log" 2>&1 &
pid=$!
chunks() { find "$work" -name 'chunk.*.json' ! -name '*.in.json' 2>/dev/null | wc -l; }
for _ in $(seq 1200); do [[ $(chunks) == 2 ]] && break; kill -0 $pid || break; sleep 0.25; done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
cat "$tree/killed.log"
[[ $(chunks) == 2 ]] || fail "no proof of chunk.00001 in the work folder"
grep -q "under its proof-tree profile demo-declared-tree (id 7): 2 chunk proofs, 1 node proof (height 1)" \
    "$tree/killed.log" || fail "lineage prove did not plan the proof tree"
grep -q "chunk.00000 proof: reused from the work folder" "$tree/killed.log" || fail "chunk.00000 was not reused"
grep -q "\[2/4\] chunk.00001 proof of 16 records (elapsed" "$tree/killed.log" || fail "no chunk proof with its ETA"
step "prove-task: the node refuses its children swapped"
read -r left right < <(node -e '
const p = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(p.tasks.find((t) => t.id === "node.h01.00000").inputs.map((f) => process.argv[2] + "/" + f).join(" "));
' "$plan" "$work")
if task node.h01.00000 --input "$right" --input "$left" --output "$tree/node.json" 2>"$tree/swapped.log"; then
    fail "prove-task proved a node over swapped children"
fi
grep -q "not the finished output of chunk.00000" "$tree/swapped.log" || { cat "$tree/swapped.log"; fail "no reason given"; }
# The whole plan again, on a local Ray cluster, a worker killed with -9 during a chunk: the
# attestation that the rest of this script and tests/demo.sh use.
step "the plan on a local Ray cluster (tests/ray.sh)"
tests/ray.sh "$plan" "$tree/attestation.json"
"$lineage" verify "$tree/attestation.json" --json >"$tree/verify.json"
node -e '
const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const want = { profile: "demo-declared-tree", n_records: 80 };
for (const [k, x] of Object.entries(want))
    if (v[k] !== x) { console.error(`e2e: the tree attestation has ${k} ${v[k]}, not ${x}`); process.exit(1); }
' "$tree/verify.json"
tamper "$tree/attestation.json" "$tree/tampered.json" "$tree/calldata.hex"
if "$lineage" verify "$tree/tampered.json"; then
    echo "e2e: a tampered tree attestation verified" >&2
    exit 1
fi
LINEAGE_E2E_CALLDATA="$tree/calldata.hex" LINEAGE_E2E_VERIFIER=LineageVerifierDemoDeclaredTree \
    forge test --match-contract ProveCalldataTest
