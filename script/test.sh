#!/usr/bin/env bash
# The test suite, as CI runs it (`make test` runs the bootstrap first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo test (dependencies optimised; see [profile.dev.package.\"*\"])"
cargo test --workspace --locked

step "forge test${CI:+ (ci profile)}"
if [[ -n ${CI:-} ]]; then export FOUNDRY_PROFILE=ci; fi
forge fmt --check
forge test
