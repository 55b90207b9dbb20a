#!/usr/bin/env bash
# Installs and checks the Solidity toolchain: Foundry (forge, anvil, cast) and solcjs,
# pinned in package.json / package-lock.json. Idempotent: it installs only when
# node_modules is missing or older than package-lock.json; the checks take about a second.
# Works from any directory. Afterwards: `source script/env.sh` or node_modules/.bin/forge.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAMP=node_modules/.lineage-bootstrap-stamp
BIN=node_modules/.bin

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (Node 20+ needed)"
command -v npm >/dev/null || die "npm is not installed"

# 1. Install from the lock file.
#
# A registry mirror that lacks some of Foundry's optional per-platform packages
# (@foundry-rs/forge-darwin-amd64, ...) yields a lock file without them, which `npm ci`
# then rejects as out of sync ("Missing: ... from lock file"; npm/cli#9846). When those
# are the ONLY complaints, install the same locked tree with `npm install --no-save`,
# which leaves package-lock.json untouched; any other mismatch still fails here.
npm_install() {
    local log
    log="$(mktemp)"
    if npm ci --no-audit --no-fund --loglevel=error 2>"$log"; then
        rm -f "$log"
        return
    fi
    local problems platform_only
    platform_only='^Missing: @foundry-rs/(forge|anvil|cast)-[a-z0-9]+-[a-z0-9]+@ from lock file$'
    problems="$(grep -Eo '(Missing|Invalid): .*' "$log" || true)"
    if [[ -n $problems ]] && ! grep -Eqv "$platform_only" <<<"$problems"; then
        rm -f "$log"
        say "npm ci rejected the lock file only for Foundry platform packages this registry"
        say "lacks; installing the locked tree with npm install --no-save"
        npm install --no-save --no-audit --no-fund --loglevel=error
        return
    fi
    cat "$log" >&2
    rm -f "$log"
    die "npm ci failed"
}

if [[ ! -d node_modules || ! -f $STAMP || package-lock.json -nt $STAMP || package.json -nt $STAMP ]]
then
    say "npm ci (installing pinned forge, anvil, cast, solcjs)"
    npm_install
    touch "$STAMP"
else
    say "node_modules up to date"
fi

# 2. The Foundry binaries answer with the pinned version.
for tool in forge anvil cast; do
    want="$(node -p "require('./package.json').devDependencies['@foundry-rs/$tool']")"
    got="$("$BIN/$tool" --version 2>&1)" || die "$tool --version failed: $got"
    got="${got%%$'\n'*}"
    [[ $got == "$tool Version: $want"* ]] || die "$tool: expected version $want, got: $got"
    say "$got"
done

# 3. The solc shim (foundry.toml's `solc`) reports its version and compiles a contract.
version="$(script/solc-shim.js --version)" || die "script/solc-shim.js --version failed"
version="${version##*$'\n'}"
[[ $version == Version:* ]] || die "solc shim: unexpected --version output: $version"
say "solc shim: $version"

probe_src='// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Probe {}'
probe='{"language":"Solidity","sources":{"Probe.sol":{"content":"'"$probe_src"'"}},'
probe+='"settings":{"outputSelection":{"*":{"*":["evm.bytecode.object"]}}}}'
printf '%s' "$probe" | script/solc-shim.js --standard-json | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const out = JSON.parse(s);
        const errors = (out.errors || []).filter((e) => e.severity === "error");
        const code = out.contracts?.["Probe.sol"]?.Probe?.evm?.bytecode?.object || "";
        if (errors.length || code.length === 0) {
            console.error(JSON.stringify(out.errors || out, null, 2));
            process.exit(1);
        }
    });
' || die "solc shim did not compile the probe contract"
say "solc shim compiles"
say "ready: run forge from the repository root, or source script/env.sh"
