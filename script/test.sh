#!/usr/bin/env bash
# The test suite, as CI runs it (`make test` runs the bootstrap first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

step() { printf '\n== %s\n' "$*"; }

# A clean clone gains nothing from incremental compilation, and its caches cost gigabytes.
if [[ -n ${CI:-} ]]; then export CARGO_INCREMENTAL=0; fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "Postgres for the indexer's tests (script/postgres.sh: installs and starts one if needed)"
LINEAGE_TEST_POSTGRES_URL="$(script/postgres.sh)"
# The indexer's suite runs on SQLite and on this Postgres; without it, it fails here.
export LINEAGE_TEST_POSTGRES_URL LINEAGE_REQUIRE_POSTGRES=1

step "chromium for the indexer's web page test (script/chromium.sh: installs it if needed)"
script/chromium.sh
export LINEAGE_REQUIRE_CHROMIUM=1

step "cargo test (dependencies optimised; see [profile.dev.package.\"*\"])"
cargo test --workspace --locked

step "end to end: lineage setup / prove / verify (demo, dev SRS), forge on the same calldata"
script/e2e.sh

step "end to end on a real anvil: lineage demo, read back with cast, wallet verdicts, bad input"
tests/demo.sh

step "forge test${CI:+ (ci profile)}"
if [[ -n ${CI:-} ]]; then export FOUNDRY_PROFILE=ci; fi
# forge 1.7.1's `fmt --check` prints the diff but exits 0: fail on the diff itself.
fmt_out=$(forge fmt --check 2>&1)
if grep -q '^Diff in' <<<"$fmt_out"; then
    printf '%s\n' "$fmt_out"
    echo "forge fmt: the files above need formatting (run: source script/env.sh && forge fmt)" >&2
    exit 1
fi
forge test

step "the ABIs crates/chain binds match the contracts (script/abi.js)"
script/abi.js --check
