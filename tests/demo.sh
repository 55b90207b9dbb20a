#!/usr/bin/env bash
# End to end on a real anvil: `lineage demo`, then every claim it makes checked by reading
# the chain with `cast` (not the CLI's own memory), then the wallet's verdicts (a tampered
# pixel, no receipt, a corrupted receipt, a revoked dataset; a JPEG and WebPs verified from
# their embedded receipts, and refused with one byte changed; a re-encoded JPEG without a
# receipt found by its fingerprint through a real indexer: output.similar), the demo's second model (a
# stand-in diffusion model, training declared: read back as declared, refused under a policy
# that requires proven training, its proof refused for another model hash and as proven
# training), a model fine-tuned from the demo model by another publisher (its committed proof
# checked against the weights made here, attested with --base, tainted by its base), and
# the CLI's errors on bad input (wrong chain id, unreachable RPC, insufficient funds,
# unknown model, wrong counts).
#
# Reuses target/e2e/ from script/e2e.sh (same sample, datasets, model and attestation), so
# the demo finds its proof fresh and does not prove again. Called by script/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

lineage=target/debug/lineage
out=target/e2e-demo
fail() { echo "tests/demo.sh: FAIL: $*" >&2; exit 1; }
step() { printf '\n-- %s (%s)\n' "$*" "$(date +%T)"; }
# expect CODE CMD...: runs CMD, fails unless it exits with CODE; its stderr+stdout in $got.
expect() {
    local want=$1 rc=0
    shift
    got=$("$@" 2>&1) || rc=$?
    [[ $rc == "$want" ]] || fail "expected exit $want, got $rc from: $* :: $got"
}
contains() { grep -q -- "$1" <<<"$got" || fail "expected '$1' in: $got"; }
# strip_receipt SRC DST: SRC's PNG chunks but its iTXt (the receipt): the same pixels, no receipt.
strip_receipt() {
    python3 - "$1" "$2" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pos, out = 8, bytearray(data[:8])
while pos < len(data):
    (n,) = struct.unpack(">I", data[pos:pos + 4])
    if data[pos + 4:pos + 8] != b"iTXt":
        out += data[pos:pos + 12 + n]
    pos += 12 + n
open(sys.argv[2], "wb").write(out)
PY
}

[[ -x $lineage && -f target/e2e/attestation.json ]] || fail "run script/e2e.sh first"
# The same targets as `cargo test --workspace`, so that this reuses its build (a `-p` build
# resolves features differently and compiles a second copy of everything).
cargo build --locked -q --workspace --tests

rm -rf "$out"
mkdir -p "$out"
cp -r target/e2e/sample target/e2e/atelier.json target/e2e/harbor.json target/e2e/model.json "$out/"
cp target/e2e/attestation.json "$out/attestation.json"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
anvil --port "$port" --silent &
anvil_pid=$!
trap 'kill $anvil_pid 2>/dev/null || true' EXIT
rpc="http://127.0.0.1:$port"
for _ in $(seq 100); do cast chain-id --rpc-url "$rpc" &>/dev/null && break; sleep 0.1; done
export LINEAGE_RPC_URL=$rpc

step "lineage demo on a fresh anvil"
"$lineage" demo --rpc-url "$rpc" --out "$out" --json >"$out/summary.out.json"
summary() { node -p "const s=require('./$out/summary.out.json'); $1"; }
registry=$(summary s.registry)
vault=$(summary s.vault)
model=$(summary s.modelId)
[[ $(summary s.attestationReused) == true ]] || fail "the demo proved again instead of reusing"
[[ $(summary s.verdict) == valid ]] || fail "demo verdict: $(summary s.verdict)"

step "the chain agrees (read with cast)"
call() { cast call --rpc-url "$rpc" "$@"; }
[[ $(call "$registry" 'datasetCount()(uint32)') == 2 ]] || fail "datasetCount"
for id in 1 2; do
    status=$(call "$registry" 'dataset(uint32)((uint256,address,uint64,uint8,uint32,uint64,uint40,uint40,uint40,string))' $id)
    [[ $status == *", 2, "* ]] || fail "dataset $id is not certified: $status"
done
[[ $(call "$registry" 'attestationStatus(bytes32)(uint8)' "$model") == 1 ]] || fail "attestation not valid"
[[ $(call "$registry" 'outputBatchCount(bytes32)(uint256)' "$model") == 1 ]] || fail "no output batch"
root=$(node -p "require('./$out/outputs/output-0.png.lineage.json').batchRoot")
batch=$(call "$registry" 'outputBatch(bytes32,uint256)((bytes32,uint64,uint40))' "$model" 0)
[[ ${batch,,} == "(${root,,}, 4, "* ]] || fail "anchored batch $batch != receipt root $root"
creator=$(summary s.claimedBy)
claimed=$(call "$vault" 'claimed(uint32,address,address)(uint256)' 2 0x0000000000000000000000000000000000000000 "$creator")
# 1 ETH to the logistic head over its 48 proven records: harbor has 24 (0.5 ETH). 1 ETH to
# the diffusion model over its 24 proven records: atelier 16 (mulDiv: 0.666...6), harbor 8
# (the last slot takes the rest, 0.333...34). Harbor's main creator has 18 of its 24 works:
# 18/24 of 0.833...34 ETH = 0.625 ETH.
[[ ${claimed%% *} == 625000000000000000 && $(summary s.claimedWei) == 625000000000000000 ]] \
    || fail "claimed $claimed, summary $(summary s.claimedWei)"

step "the second model: training declared, training set proven (read with cast)"
declared=$(summary s.declared.modelId)
[[ $(summary s.declared.verdict) == valid ]] || fail "declared verdict: $(summary s.declared.verdict)"
# The demo's outputs are PNGs with fingerprints: version-2 leaves, each checked against the
# image's own fingerprint.
[[ $(summary "s.declared.verdictCodes.join()") == output.anchored,output.fingerprint_match,model.attested,model.training_declared,* ]] \
    || fail "declared verdict codes: $(summary "s.declared.verdictCodes.join()")"
[[ $(summary "s.verdictCodes.join()") == output.anchored,output.fingerprint_match,model.attested,model.training_proven,* ]] \
    || fail "proven verdict codes: $(summary "s.verdictCodes.join()")"
sha=$(sha256sum "$out/diffusion/weights.bin" | cut -d' ' -f1)
[[ $(summary s.declared.modelSha256) == "0x$sha" ]] || fail "model hash $(summary s.declared.modelSha256) != sha256sum $sha"
publisher=$(cast wallet address 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80)
[[ $declared == "$(cast keccak "$(cast abi-encode 'f(address,bytes32)' "$publisher" "0x$sha")")" ]] \
    || fail "the declared model id is not keccak256(publisher, sha256 of the file)"
attestation_type='attestation(bytes32)((address,uint32,uint32,uint64,bool,uint32[],uint32[],bytes32,uint8))'
record=$(call "$registry" "$attestation_type" "$declared")
[[ ${record,,} == *"[1, 2], [16, 8], 0x0000000000000000000000000000000000000000000000000000000000000000, 2)" ]] \
    || fail "the registry's record of the declared model: $record"
[[ $(call "$registry" "$attestation_type" "$model") == *", 1)" ]] || fail "the demo model is not of proven training"
expect 0 "$lineage" status "$declared"
contains "training    declared by the publisher, NOT proven; training set proven, model file sha256 0x$sha"
expect 0 "$lineage" status "$model"
contains "training    proven"
expect 0 "$lineage" verify-image "$out/outputs-declared/output-0.png" --json
contains '"model.training_declared"'
expect 1 "$lineage" verify-image "$out/outputs-declared/output-0.png" --require-proven-training --json
contains '"model.training_declared"'
[[ $(node -p "JSON.parse(process.argv[1]).verdict.outcome" "$got") == invalid ]] || fail "$got"
expect 0 "$lineage" verify-image "$out/outputs/output-0.png" --require-proven-training
expect 0 "$lineage" verify "$out/attestation-declared.json" --json
contains "\"model_sha256\": \"0x$sha\""
# Presented as proven training: refused off-chain, and on-chain (a declared profile).
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
a.kind = "proven";
fs.writeFileSync(process.argv[2], JSON.stringify(a));
' "$out/attestation-declared.json" "$out/as-proven.json"
expect 1 "$lineage" verify "$out/as-proven.json"
contains "training declared"
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
const proven = JSON.parse(fs.readFileSync(process.argv[2])).public;
const m = a.public;
a.kind = "proven";
m.w0_hash = proven.w0_hash; // the zero start, so that only the registry can refuse it
m.w_hash = m.hyper_hash = "0x" + "0".repeat(63) + "1";
delete m.model_sha256; delete m.model_hash_hi; delete m.model_hash_lo;
fs.writeFileSync(process.argv[3], JSON.stringify(a));
' "$out/attestation-declared.json" "$out/attestation.json" "$out/as-proven-values.json"
expect 1 env LINEAGE_PRIVATE_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d \
    "$lineage" attest "$out/as-proven-values.json"
contains "RegistryProfileKind"
# Another model's hash with the same proof (the hex and its halves agree): the verifier
# refuses it on-chain.
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
const h = "ab".repeat(32);
a.public.model_sha256 = "0x" + h;
a.public.model_hash_hi = "0x" + "0".repeat(32) + h.slice(0, 32);
a.public.model_hash_lo = "0x" + "0".repeat(32) + h.slice(32);
fs.writeFileSync(process.argv[2], JSON.stringify(a));
' "$out/attestation-declared.json" "$out/other-model.json"
expect 1 env LINEAGE_PRIVATE_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d \
    "$lineage" attest "$out/other-model.json"
contains "RegistryProofRejected"

step "run again: idempotent (nothing registered or attested twice)"
"$lineage" demo --rpc-url "$rpc" --out "$out" --json >"$out/summary2.out.json"
node -e "
const s = require('./$out/summary2.out.json');
const again = s.transactions.filter((t) => /^(registerDataset|certify|attest$|attestDeclared)/.test(t.what));
if (again.length || s.modelId !== '$model' || !s.declared.attestationReused) {
  console.error(again, s.modelId, s.declared.attestationReused); process.exit(1);
}
" || fail "the second run registered or attested again"
[[ $(call "$registry" 'datasetCount()(uint32)') == 2 ]] || fail "datasets duplicated"

step "fine-tuning: another publisher trains from the demo model's weights, its proof, attested"
# anvil account 5: a publisher with no other role in the demo.
tuner_key=0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba
"$lineage" train --base "$out/model.json" --data "$out/harbor.json" --lr 0.125 \
    -o "$out/tuned-model.json" >/dev/null
# Its proof is of the demo profile, whose circuits script/e2e.sh's `lineage prove` has just
# proven (from zero weights): CI proves each circuit once. So the fine-tune's attestation is
# committed, made by `lineage prove` from these very files under LINEAGE_BLESS=1; here
# `lineage verify` checks it against this build's keys, and it must be of the weights that
# `lineage train --base` just made from the e2e model's.
tuned_fixture=tests/fixtures/fine-tune-attestation.json
stale="$tuned_fixture is stale: run LINEAGE_BLESS=1 tests/demo.sh after script/e2e.sh"
if [[ -n ${LINEAGE_BLESS:-} ]]; then
    "$lineage" prove --profile demo --dev-srs --datasets "$out/harbor.json" --train "$out/harbor.json" \
        --model "$out/tuned-model.json" -o "$tuned_fixture" 2>&1 | tee "$out/tuned-prove.log"
    grep -q "a fine-tune): attest it with --base MODEL_ID" "$out/tuned-prove.log" \
        || fail "lineage prove does not say a fine-tune must name its base"
fi
cp "$tuned_fixture" "$out/tuned.json"
"$lineage" verify "$out/tuned.json" 2>"$out/tuned-verify.log" || { cat "$out/tuned-verify.log"; fail "$stale"; }
grep -q "a fine-tune): attest it with --base MODEL_ID" "$out/tuned-verify.log" \
    || fail "lineage verify does not say a fine-tune must name its base"
expect 0 "$lineage" verify "$out/tuned.json" --json
node -e '
const [v, tuned, base] = process.argv.slice(1).map((s, i) => i ? require("./" + s) : JSON.parse(s));
const same = ["w_hash", "train_root"].every((k) => v[k] === tuned[k]);
if (!v.fine_tune || !same || v.w0_hash !== base.w_hash) process.exit(1);
' "$got" "$out/tuned-model.json" "$out/model.json" || fail "$stale (not the weights lineage train --base made): $got"
expect 1 env LINEAGE_PRIVATE_KEY=$tuner_key "$lineage" attest "$out/tuned.json"
contains "name the attested model it was fine-tuned from with --base MODEL_ID"
# The same weights under another publisher are another model id: not this training's base.
expect 1 env LINEAGE_PRIVATE_KEY=$tuner_key "$lineage" attest "$out/tuned.json" \
    --base "$(cast keccak "$(cast abi-encode 'f(address,uint256)' "$(cast wallet address $tuner_key)" \
        "$(node -p "require('./$out/model.json').w_hash")")")"
contains "no model"
expect 0 env LINEAGE_PRIVATE_KEY=$tuner_key "$lineage" attest "$out/tuned.json" --base "$model"
tuned=$(tail -n1 <<<"$got")
contains "fine-tuned from model $model"
# Another publisher naming the fine-tuned model as the base of this same training: the base
# is valid, but its weights are not this training's start (checked before sending).
expect 1 env LINEAGE_PRIVATE_KEY=0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a \
    "$lineage" attest "$out/tuned.json" --base "$tuned"
contains "was not this training's start"
record=$(call "$registry" "$attestation_type" "$tuned")
[[ ${record,,} == *"[2], [24], ${model,,}, 1)" ]] || fail "the registry's record of the fine-tuned model: $record"
[[ $(call "$registry" 'attestationStatus(bytes32)(uint8)' "$tuned") == 1 ]] || fail "fine-tuned model not valid"
expect 0 "$lineage" status "$tuned"
contains "fine-tuned from model $model: Valid"
expect 0 "$lineage" status "$tuned" --json
[[ $(node -p "JSON.parse(process.argv[1]).bases.map((b) => b.modelId).join()" "$got") == "$model" ]] \
    || fail "status --json bases: $got"
strip_receipt "$out/outputs/output-0.png" "$out/tuned-output.png"
expect 0 env LINEAGE_PRIVATE_KEY=$tuner_key "$lineage" anchor --model "$tuned" "$out/tuned-output.png"
expect 0 "$lineage" verify-image "$out/tuned-output.png" --json
contains '"base.attested"'

step "verify-image: valid, then one pixel changed, then no receipt, then a corrupted receipt"
expect 0 "$lineage" verify-image "$out/outputs/output-1.png" --json
[[ $(node -p "JSON.parse(process.argv[1]).verdict.outcome" "$got") == valid ]] || fail "$got"
python3 - "$out/outputs/output-1.png" "$out/tampered.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, chunks = 8, []
while pos < len(data):
    (n,) = struct.unpack(">I", data[pos:pos + 4])
    chunks.append((data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]))
    pos += 12 + n
idat = zlib.decompress(b"".join(d for t, d in chunks if t == b"IDAT"))
raw = bytearray(idat)
raw[1 + 3 * 10] ^= 1  # row 0 (filter byte first), pixel 10, red: one bit of one pixel
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
body = b"".join(chunk(t, d) for t, d in chunks if t not in (b"IDAT", b"IEND"))
open(sys.argv[2], "wb").write(data[:8] + body + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))
PY
expect 1 "$lineage" verify-image "$out/tampered.png" --json
contains '"output.hash_mismatch"'
strip_receipt "$out/outputs/output-2.png" "$out/bare.png"
expect 2 "$lineage" verify-image "$out/bare.png" --json
contains '"output.unknown"'
python3 - "$out/outputs/output-3.png" "$out/corrupt.png" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
i = data.index(b'"batchRoot"')
data[i + 2] ^= 0x20  # one byte of the embedded receipt: its CRC no longer matches
open(sys.argv[2], "wb").write(data)
PY
expect 2 "$lineage" verify-image "$out/corrupt.png"
contains "receipt"
printf 'not an image' >"$out/note.txt"
expect 2 "$lineage" verify-image "$out/note.txt"
contains "not a PNG, JPEG or WebP image"

step "JPEG and WebP (real encoders' files from the conformance vectors): anchored with the receipt embedded, verified from it alone; one changed byte is a hash mismatch"
mkdir -p "$out/formats"
vectors=(crates/core/tests/vectors/jpeg/exif-icc.jpg crates/core/tests/vectors/webp/alpha.webp
    crates/core/tests/vectors/webp/lossless.webp)
cp "${vectors[@]}" "$out/formats/"
expect 0 env LINEAGE_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    "$lineage" anchor --model "$model" "$out/formats/exif-icc.jpg" "$out/formats/alpha.webp" "$out/formats/lossless.webp"
for vector in "${vectors[@]}"; do
    file=$out/formats/$(basename "$vector")
    kind=$([[ $file == *.jpg ]] && echo jpeg-v1 || echo webp-v1)
    rm "$file.lineage.json" # the embedded receipt alone
    cmp -s "$file" "$vector" && fail "$file has no receipt embedded"
    expect 0 "$lineage" verify-image "$file" --json
    [[ $(node -p "const r = JSON.parse(process.argv[1]); r.contentHash.kind + ' ' + r.verdict.outcome + ' ' + r.receipt.hashKind" "$got") \
        == "$kind valid $kind" ]] || fail "$file: $got"
    # One byte of the image data changed (the JPEG's scan; the WebP's chunk before the receipt).
    python3 - "$file" "$file.changed" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.index(b"lineage-receipt") - 12 if sys.argv[1].endswith(".webp") else len(data) - 6
data[at] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
    expect 1 "$lineage" verify-image "$file.changed" --json
    contains '"output.hash_mismatch"'
done

step "a re-encoded copy: an anchored PNG's JPEG re-encoding, without a receipt, is output.similar through a real indexer (lineage anchor --indexer posts the manifest; lineage verify-image --indexer asks)"
indexer_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
indexer="http://127.0.0.1:$indexer_port"
target/debug/lineage-indexer --rpc-url "$rpc" --registry "$registry" --vault "$vault" \
    --database-url "sqlite:$out/indexer.db" --listen "127.0.0.1:$indexer_port" --confirmations 0 \
    >"$out/indexer.log" 2>&1 &
indexer_pid=$!
trap 'kill $anvil_pid $indexer_pid 2>/dev/null || true' EXIT
mkdir -p "$out/similar"
cp crates/core/tests/vectors/pdq/picture-300x200-8.png "$out/similar/picture.png"
expect 0 env LINEAGE_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    "$lineage" anchor --model "$model" "$out/similar/picture.png" --indexer "$indexer" --indexer-wait 60 --json
[[ $(node -p "const a = JSON.parse(process.argv[1]); a.manifestPostedTo + ' ' + !!a.outputs[0].perceptualHash" "$got") \
    == "$indexer true" ]] || fail "anchor --indexer: $got"
# The copy: jpeg-encoder's quality-80 re-encoding of that PNG (the conformance vectors'), no receipt.
cp crates/core/tests/vectors/pdq/picture-300x200-q80.jpg "$out/similar/copy.jpg"
expect 2 "$lineage" verify-image "$out/similar/copy.jpg" --json
contains '"output.unknown"'
expect 2 "$lineage" verify-image "$out/similar/copy.jpg" --indexer "$indexer" --json
[[ $(node -p "const r = JSON.parse(process.argv[1]); [r.verdict.outcome, r.verdict.codes.join(), r.verdict.modelId, r.similar[0].anchor.model.datasets.map((d) => d.dataset_id).join()].join(' ')" "$got") \
    == "cannotTell output.similar ${model,,} 1,2" ]] || fail "verify-image --indexer: $got"
expect 2 "$lineage" verify-image "$out/similar/copy.jpg" --indexer "$indexer"
contains "similar: 0 bits from output 0 of batch"
# An unrelated picture's copy: nothing near.
expect 2 "$lineage" verify-image crates/core/tests/vectors/pdq/picture-257x129-8.png --indexer "$indexer" --json
contains '"output.unknown"'
kill $indexer_pid

step "lineage anchor keeps a file's mode, and gives a new receipt the umask's mode"
mkdir -p "$out/fresh"
cp "$out/tampered.png" "$out/fresh/shared.png"   # new pixels: a new content hash
chmod 0644 "$out/fresh/shared.png"
touch "$out/fresh/by-touch"
expect 0 env LINEAGE_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 \
    "$lineage" anchor --model "$model" "$out/fresh/shared.png"
[[ $(stat -c %a "$out/fresh/shared.png") == 644 ]] \
    || fail "anchor changed a 0644 PNG to $(stat -c %a "$out/fresh/shared.png")"
[[ $(stat -c %a "$out/fresh/shared.png.lineage.json") == $(stat -c %a "$out/fresh/by-touch") ]] \
    || fail "a new receipt is $(stat -c %a "$out/fresh/shared.png.lineage.json"), not the umask's mode"
expect 0 "$lineage" verify-image "$out/fresh/shared.png"

step "bad input: wrong chain id, unreachable RPC, insufficient funds, unknown model"
expect 1 "$lineage" status "$model" --chain-id 1
contains "not the chain 1"
expect 1 timeout 20 "$lineage" status "$model" --rpc-url http://127.0.0.1:1 --timeout 5
contains "unreachable"
expect 1 env LINEAGE_PRIVATE_KEY=0x$(printf '7%.0s' {1..64}) \
    "$lineage" royalties pay --model "$model" --amount 1
contains "insufficient funds"
expect 1 "$lineage" status 0x$(printf '0%.0s' {1..63})1
contains "no model"

step "an attestation with wrong counts is rejected on-chain with the decoded custom error"
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
a.public.counts[0] -= 1;
fs.writeFileSync(process.argv[2], JSON.stringify(a));
' "$out/attestation.json" "$out/wrong-counts.json"
export LINEAGE_PRIVATE_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
expect 1 "$lineage" attest "$out/wrong-counts.json"
contains "RegistryCountSumMismatch"
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync(process.argv[1]));
a.public.counts[0] -= 1; a.public.counts[1] += 1;
fs.writeFileSync(process.argv[2], JSON.stringify(a));
' "$out/attestation.json" "$out/moved-counts.json"
expect 1 "$lineage" attest "$out/moved-counts.json"
contains "RegistryProofRejected"

step "a key from an encrypted keystore (cast wallet import), not the environment"
mkdir -p "$out/keys"
cast wallet import creator-c --keystore-dir "$out/keys" --unsafe-password demo-pw \
    --private-key 0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6 >/dev/null
expect 0 env -u LINEAGE_PRIVATE_KEY LINEAGE_KEYSTORE_PASSWORD=demo-pw \
    "$lineage" royalties claim --dataset 2 --keystore "$out/keys/creator-c" --json
# 6/24 of harbor's 0.833...34 ETH (both models' royalties).
[[ $(node -p "JSON.parse(process.argv[1]).amountWei" "$got") == 208333333333333333 ]] \
    || fail "creator C (6 of harbor's 24 works) should claim 0.2083... ETH: $got"
expect 1 env -u LINEAGE_PRIVATE_KEY LINEAGE_KEYSTORE_PASSWORD=wrong \
    "$lineage" royalties claim --dataset 2 --keystore "$out/keys/creator-c"
contains "keystore"

step "a proof tree's attestation on-chain: 80 records in two chunks (demo-declared-tree, script/e2e.sh)"
tree=target/e2e/tree
[[ -f $tree/attestation.json ]] || fail "run script/e2e.sh first (no $tree/attestation.json)"
deployer_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
for d in atelier harbor; do
    id=$(LINEAGE_PRIVATE_KEY=$deployer_key "$lineage" dataset register "$tree/$d.json")
    LINEAGE_PRIVATE_KEY=$deployer_key "$lineage" dataset certify "$id"
done
expect 0 env LINEAGE_PRIVATE_KEY=$deployer_key "$lineage" attest "$tree/attestation.json"
tree_model=$(tail -n 1 <<<"$got")
record=$(call "$registry" "$attestation_type" "$tree_model")
# Profile 7 (demo-declared-tree), 80 records, datasets 3 and 4 with 40 each, declared (2).
[[ ${record,,} == *", 7, 80, "*"[3, 4], [40, 40], 0x0000000000000000000000000000000000000000000000000000000000000000, 2)" ]] \
    || fail "the registry's record of the proof tree's model: $record"
expect 0 "$lineage" status "$tree_model"
contains "training    declared by the publisher, NOT proven"

step "a revoked dataset taints the model and its outputs"
export LINEAGE_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
"$lineage" dataset revoke 1 --reason "license withdrawn"
[[ $(call "$registry" 'attestationStatus(bytes32)(uint8)' "$model") == 3 ]] || fail "not tainted"
expect 1 "$lineage" status "$model" --json
contains '"tainted"'
expect 1 "$lineage" verify-image "$out/outputs/output-0.png" --json
contains '"model.tainted"'
contains '"dataset.revoked"'

step "the revoked dataset taints the model fine-tuned from the demo model too (it names only harbor)"
[[ $(call "$registry" 'attestationStatus(bytes32)(uint8)' "$tuned") == 3 ]] || fail "fine-tuned model not tainted"
expect 1 "$lineage" status "$tuned"
contains "fine-tuned from model $model: Tainted"
expect 1 "$lineage" verify-image "$out/tuned-output.png" --json
contains '"model.tainted"'
contains '"base.tainted"'
contains '"dataset.certified"'

step "a revoked root can never be registered again, by anyone (one dataset id per root)"
expect 1 env LINEAGE_PRIVATE_KEY=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d \
    "$lineage" dataset register "$out/atelier.json"
contains "already registered as dataset 1 (Revoked)"
[[ $(call "$registry" 'datasetCount()(uint32)') == 4 ]] || fail "a revoked root was registered again"

echo
echo "tests/demo.sh: all checks passed"
