#!/usr/bin/env bash
# Installs and checks the Solidity toolchain: Foundry (forge, anvil, cast) and solcjs,
# pinned in package.json / package-lock.json. Idempotent: it installs only when
# node_modules is missing or older than package-lock.json; the checks take about a second.
# Works from any directory. Afterwards: `source script/env.sh` (forge, anvil and cast on PATH
# are then Foundry's native binaries).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAMP=node_modules/.lineage-bootstrap-stamp
NATIVE=node_modules/.foundry-native

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "node is not installed (Node 20+ needed)"
command -v npm >/dev/null || die "npm is not installed"

# 1. Install from the lock file.
#
# package-lock.json lists every platform package the registry serves, so `npm ci` takes it
# as it is. A registry mirror that lacks some of Foundry's optional per-platform packages
# (@foundry-rs/forge-darwin-amd64, ...) makes `npm ci` reject it ("Missing: ... from lock
# file"; npm/cli#9846). When those are the ONLY complaints (script/npm-lock-only-platforms.sh,
# tested on real npm output by tests/shell/bootstrap.sh), install the same locked tree with
# `npm install --no-save`, which leaves package-lock.json untouched; any other mismatch
# still fails here.
npm_install() {
    local log
    log="$(mktemp)"
    if npm ci --no-audit --no-fund --loglevel=error 2>"$log"; then
        rm -f "$log"
        return
    fi
    if script/npm-lock-only-platforms.sh <"$log"; then
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

# 2. Links to Foundry's native binaries, which script/env.sh puts first on PATH.
# node_modules/.bin/{forge,anvil,cast} are Node wrappers that spawn the platform binary and
# ALWAYS exit 0 (a failing forge test, a reverting cast call, an unknown subcommand), and
# killing one orphans its child: nothing of ours calls them. tests/shell/foundry-exit.sh
# (in make test) fails if a script's forge/cast/anvil ever stops being the native binary.
platform="$(node -p '
    const os = { linux: "linux", darwin: "darwin", win32: "win32" }[process.platform];
    const cpu = { x64: "amd64", arm64: "arm64" }[process.arch];
    os && cpu ? `${os}-${cpu}` : ""')"
[[ -n $platform ]] || die "no Foundry binaries for $(node -p 'process.platform + "-" + process.arch')"
mkdir -p "$NATIVE"
for tool in forge anvil cast; do
    native="$ROOT/node_modules/@foundry-rs/$tool-$platform/bin/$tool"
    [[ -x $native ]] || die "$native is missing (npm did not install @foundry-rs/$tool-$platform)"
    ln -sfn "$native" "$NATIVE/$tool"
done

# 3. The Foundry binaries answer with the pinned version.
for tool in forge anvil cast; do
    want="$(node -p "require('./package.json').devDependencies['@foundry-rs/$tool']")"
    got="$("$NATIVE/$tool" --version 2>&1)" || die "$tool --version failed: $got"
    got="${got%%$'\n'*}"
    [[ $got == "$tool Version: $want"* ]] || die "$tool: expected version $want, got: $got"
    say "$got"
done

# 4. The solc shim (foundry.toml's `solc`) reports its version and compiles a contract.
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
