#!/usr/bin/env bash
# The prover end to end, as a user runs it: the sample corpus -> two datasets -> train ->
# `lineage setup` (demo profile, INSECURE dev SRS; keys cached in $LINEAGE_CACHE or
# ~/.cache/lineage) -> `lineage prove` -> `lineage verify` (and a tampered copy refused) ->
# forge runs the generated verifier on the very calldata `lineage prove` wrote.
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

step "lineage verify: the attestation, then a copy with one proof byte changed"
"$lineage" verify "$out/attestation.json"
node -e '
const fs = require("fs");
const [src, dst, hexOut] = process.argv.slice(1);
const a = JSON.parse(fs.readFileSync(src, "utf8"));
fs.writeFileSync(hexOut, a.calldata);
const flip = (h, i) => h.slice(0, i) + (h[i] === "0" ? "1" : "0") + h.slice(i + 1);
a.proof = flip(a.proof, 100);
a.calldata = flip(a.calldata, a.calldata.length - a.proof.length + 100);
fs.writeFileSync(dst, JSON.stringify(a));
' "$out/attestation.json" "$out/tampered.json" "$out/calldata.hex"
if "$lineage" verify "$out/tampered.json"; then
    echo "e2e: a tampered attestation verified" >&2
    exit 1
fi

step "forge: the generated verifier on lineage prove's calldata"
LINEAGE_E2E_CALLDATA="$out/calldata.hex" forge test --match-contract ProveCalldataTest
