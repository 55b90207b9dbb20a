#!/usr/bin/env bash
# Self-check: forge, cast and anvil, found exactly as every script finds them (after
# `source script/env.sh`), report failure through their exit status. npm's wrappers in
# node_modules/.bin always exit 0, which once hid every forge and cast failure from CI;
# this fails if they (or anything else that swallows a status) come back on PATH.
#
# Each failure case is paired with a success case of the same shape, so a non-zero exit
# means the case failed for the reason it was built for, not for a broken setup.
# Called by script/test.sh; needs script/bootstrap.sh first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source script/env.sh

fail() { echo "tests/shell/foundry-exit.sh: FAIL: $*" >&2; exit 1; }
# expect_rc WANT CMD...: WANT is 0 or "nonzero"; the command's output is kept in $got.
expect_rc() {
    local want=$1 rc=0
    shift
    got=$("$@" 2>&1) || rc=$?
    if [[ $want == 0 && $rc != 0 ]] || [[ $want == nonzero && $rc == 0 ]]; then
        fail "expected exit $want, got $rc from: $* :: $got"
    fi
}

work=$(mktemp -d)
anvil_pid=
cleanup() {
    [[ -z $anvil_pid ]] || kill "$anvil_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "-- forge, anvil and cast on PATH are native executables, not Node scripts"
for tool in forge anvil cast; do
    path=$(command -v "$tool") || fail "$tool is not on PATH"
    [[ $(head -c 2 "$(readlink -f "$path")") != '#!' ]] || fail "$tool on PATH is a script: $path"
done

echo "-- a failing forge test fails forge test"
mkdir -p "$work/proj/src" "$work/proj/test"
printf '[profile.default]\nsrc = "src"\ntest = "test"\noffline = true\n' >"$work/proj/foundry.toml"
write_test() {
    printf '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n\ncontract T {\n    function test_one() public pure {\n        %s\n    }\n}\n' \
        "$1" >"$work/proj/test/T.t.sol"
}
write_test 'require(1 + 1 == 2);'
expect_rc 0 forge test --root "$work/proj"
write_test 'require(1 + 1 == 3);'
expect_rc nonzero forge test --root "$work/proj"
grep -q 'FAIL' <<<"$got" || fail "forge test exited non-zero without a failing test: $got"

echo "-- forge fmt --check fails on a file that needs formatting"
printf '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract U{function f()public{}}\n' \
    >"$work/proj/src/U.sol"
expect_rc nonzero forge fmt --check --root "$work/proj"
expect_rc 0 forge fmt --root "$work/proj"
expect_rc 0 forge fmt --check --root "$work/proj"

echo "-- an unknown forge subcommand fails"
expect_rc 0 forge --version
expect_rc nonzero forge nonexistent-subcommand

echo "-- a reverting cast call fails"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
anvil --port "$port" --silent &
anvil_pid=$!
rpc="http://127.0.0.1:$port"
for _ in $(seq 100); do cast chain-id --rpc-url "$rpc" &>/dev/null && break; sleep 0.1; done
# Init code `PUSH1 0 PUSH1 0 RETURN` returns nothing; `PUSH1 0 PUSH1 0 REVERT` reverts.
expect_rc 0 cast call --rpc-url "$rpc" --create 0x60006000f3
expect_rc nonzero cast call --rpc-url "$rpc" --create 0x60006000fd
grep -qi 'revert' <<<"$got" || fail "cast call exited non-zero without a revert: $got"

echo "foundry-exit: forge, cast and anvil report failures"
