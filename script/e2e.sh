#!/usr/bin/env bash
# The prover end to end, as a user runs it: the sample corpus -> two datasets -> train ->
# `lineage setup` (demo profile, INSECURE dev SRS; keys cached in $LINEAGE_CACHE or
# ~/.cache/lineage) -> `lineage prove` -> `lineage verify` (and a tampered copy refused) ->
# forge runs the generated verifier on the very calldata `lineage prove` wrote. Then the
# same for a training set of two chunks, proven as a proof tree (demo-declared-tree).
# Output: target/e2e/. Called by script/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

out=target/e2e
rm -rf "$out"
mkdir -p "$out"
step() { printf '\n-- %s\n' "$*"; }

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

# A training set of more than one chunk (64 records): 80 records, training declared. `prove`
# under demo-declared switches to its proof-tree twin demo-declared-tree: two chunk proofs,
# one height-1 node over them, and the root (tests/demo.sh attests it on anvil); a run
# killed with -9 midway is resumed without redoing a finished proof.
tree=$out/tree
step "a proof tree: 80 records in two chunks (demo-declared-tree)"
"$lineage" sample --records 80 -o "$tree/sample" >/dev/null
for d in atelier harbor; do
    "$lineage" dataset build "$tree/sample/$d/records.jsonl" --depth 10 -o "$tree/$d.json" >/dev/null
done
head -c 65536 /dev/zero | tr '\0' 'w' >"$tree/weights.bin"
"$lineage" setup --profile demo-declared-tree --dev-srs \
    --verifier-out "$tree/LineageVerifierDemoDeclaredTree.sol"
cmp "$tree/LineageVerifierDemoDeclaredTree.sol" contracts/verifiers/LineageVerifierDemoDeclaredTree.sol
data="$tree/atelier.json,$tree/harbor.json"
prove_tree=(prove --profile demo-declared --dev-srs --datasets "$data" --train "$data"
    --model-file "$tree/weights.bin" -o "$tree/attestation.json")
# Killed (-9) once both chunk proofs are in the work folder, during the node's proof: the
# rerun reuses both and proves only the node and the root. ($! is lineage itself: a simple
# command in the background.)
"$lineage" "${prove_tree[@]}" >"$tree/killed.log" 2>&1 &
pid=$!
chunks() { find "$tree/attestation.json.work" -name 'chunk.*.json' 2>/dev/null | wc -l; }
for _ in $(seq 1200); do [[ $(chunks) == 2 ]] && break; kill -0 $pid || break; sleep 0.25; done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[[ $(chunks) == 2 ]] || { cat "$tree/killed.log"; echo "e2e: no chunk proofs in the work folder" >&2; exit 1; }
step "lineage prove again after kill -9: the finished chunk proofs are reused"
"$lineage" "${prove_tree[@]}" 2>&1 | tee "$tree/prove.log"
fail() { echo "e2e: $*" >&2; exit 1; }
grep -q "under its proof-tree profile demo-declared-tree (id 7): 2 chunk proofs, 1 node proof (height 1)" \
    "$tree/prove.log" || fail "lineage prove did not plan the proof tree"
for c in chunk.00000 chunk.00001; do
    grep -q "$c proof: reused from the work folder" "$tree/prove.log" || fail "$c was not reused"
done
if grep -q "chunk.0000[01] proof (" "$tree/prove.log"; then fail "a finished chunk was proven again"; fi
grep -q "\[3/4\] node.h01.00000 proof (elapsed" "$tree/prove.log" || fail "no node proof with its ETA"
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
