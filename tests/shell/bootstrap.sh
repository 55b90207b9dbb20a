#!/usr/bin/env bash
# script/bootstrap.sh's fallback decision on real npm output (script/fixtures/, captured
# from npm 11 on this project's package.json with an older, incomplete lock file): only a
# lock file that lacks nothing but Foundry platform packages may be installed with
# `npm install --no-save`; any other mismatch must stop the bootstrap. And the committed
# lock file is complete: `npm ci` would not complain about it at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
fail() { echo "tests/shell/bootstrap.sh: FAIL: $*" >&2; exit 1; }
check=script/npm-lock-only-platforms.sh

$check <script/fixtures/npm-ci-missing-platform.txt \
    || fail "npm's 'Missing: @foundry-rs/<tool>-<platform>@<version> from lock file' not recognised"
! $check <script/fixtures/npm-ci-other-mismatch.txt \
    || fail "a mismatch of another package (solc) was taken for a missing platform package"
! $check </dev/null || fail "no complaint at all was taken for a missing platform package"
! printf 'npm error Missing: left-pad@1.3.0 from lock file\n' | $check \
    || fail "a missing non-Foundry package was taken for a platform package"

# Every platform package each Foundry tool names as optional is in the lock file.
node -e '
const lock = require("./package-lock.json").packages;
const missing = [];
for (const tool of ["forge", "anvil", "cast"]) {
    const opt = lock[`node_modules/@foundry-rs/${tool}`]?.optionalDependencies ?? {};
    if (!Object.keys(opt).length) missing.push(`${tool}: no optional platform packages`);
    for (const [name, version] of Object.entries(opt))
        if (lock[`node_modules/${name}`]?.version !== version) missing.push(`${name}@${version}`);
}
if (missing.length) { console.error("lock file lacks:", missing.join(", ")); process.exit(1); }
' || fail "package-lock.json is incomplete (regenerate: npm install --package-lock-only)"
echo "bootstrap: npm fallback and lock file checked"
