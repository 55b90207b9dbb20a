#!/usr/bin/env bash
# The test suite, as CI runs it (`make test` runs the bootstrap first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

# Each step with the time it starts, so that a log shows where the minutes go.
step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)"; }

# A clean clone gains nothing from incremental compilation, and its caches cost gigabytes.
if [[ -n ${CI:-} ]]; then export CARGO_INCREMENTAL=0; fi

step "the toolchain's own checks: the bootstrap's npm fallback, and Foundry exit statuses"
tests/shell/bootstrap.sh
tests/shell/foundry-exit.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "Postgres for the indexer's tests (script/postgres.sh: installs and starts one if needed)"
LINEAGE_TEST_POSTGRES_URL="$(script/postgres.sh)"
# The indexer's suite runs on SQLite and on this Postgres; without it, it fails here.
export LINEAGE_TEST_POSTGRES_URL LINEAGE_REQUIRE_POSTGRES=1

step "chromium for the indexer's web page test (script/chromium.sh: installs it if needed)"
script/chromium.sh
export LINEAGE_REQUIRE_CHROMIUM=1

step "schemathesis for the indexer's API document (script/schemathesis.sh: a pinned venv)"
# indexer/tests/it/schemathesis.rs fuzzes a live indexer with it during cargo test below.
LINEAGE_SCHEMATHESIS="$(script/schemathesis.sh --install)"
export LINEAGE_SCHEMATHESIS

step "cargo test (dependencies optimised; see [profile.dev.package.\"*\"])"
cargo test --workspace --locked

step "PDQ fingerprints against Meta's reference C++, bit for bit (script/pdq-reference.sh)"
script/pdq-reference.sh

step "end to end: lineage setup / prove / verify (demo, dev SRS), forge on the same calldata; a proof tree task by task and on a local Ray cluster (tests/ray.sh)"
script/e2e.sh

step "end to end on a real anvil: lineage demo, read back with cast, wallet verdicts, bad input"
tests/demo.sh

step "forge test${CI:+ (ci profile)}"
if [[ -n ${CI:-} ]]; then export FOUNDRY_PROFILE=ci; fi
forge fmt --check || { echo "forge fmt: run make fmt" >&2; exit 1; }
forge test

step "the ABIs crates/chain binds match the contracts (script/abi.js)"
script/abi.js --check

step "sdk/js (@lineage/verify): npm ci if stale, ABI drift, tsc, conformance vectors, anvil, Chromium, size"
LINEAGE_REQUIRE_ANVIL=1 script/sdk-js.sh test
