#!/usr/bin/env bash
# Installs sdk/js's npm dependencies from its committed, complete package-lock.json
# (`npm ci`), only when node_modules is missing or was installed from another lock file;
# idempotent. `script/sdk-js.sh test` then builds the package (tsc), checks its generated
# ABI against crates/chain/abi, checks the indexer page's committed bundle of it
# (scripts/page.mjs), runs its tests (node --test: every conformance vector in
# crates/core/tests/vectors; verifyImage on a real anvil; the package in a page in headless
# Chromium) and measures the bundle against its size budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../sdk/js"

lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.lineage-lock.sha256
if [[ ! -f $stamp || "$(cat "$stamp")" != "$lock_sum" ]]; then
    printf 'sdk/js: npm ci (node_modules missing or stale)\n' >&2
    npm ci --no-audit --no-fund >&2
    printf '%s\n' "$lock_sum" >"$stamp"
fi

if [[ ${1:-} == test ]]; then
    npm run --silent abi:check
    npm run --silent build
    # The indexer page's bundle (indexer/src/web/verify.js) is what this package builds.
    node scripts/page.mjs --check
    # One file at a time: the anvil and browser tests each run forge script, which shares
    # cache/ and broadcast/ at the repository root.
    node --test --test-concurrency=1 test/*.test.mjs
    npm run --silent size
fi
