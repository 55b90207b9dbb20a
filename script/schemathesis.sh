#!/usr/bin/env bash
# Fuzzes a live indexer with its own OpenAPI document: installs schemathesis (pinned with
# every dependency by hash in script/schemathesis/requirements.txt) into a virtual
# environment outside the clone (script/pyvenv.sh), then runs indexer/tests/it/schemathesis.rs, which starts
# anvil, deploys, fills the chain with the tests' scenario, starts the indexer on a free
# port and runs schemathesis against it (script/schemathesis/schemathesis.toml: every
# check, fixed seed). Exits non-zero on any failure.
#
#   script/schemathesis.sh            install if needed, then run
#   script/schemathesis.sh --install  install only; prints the schemathesis binary
#
# Needs node_modules (script/bootstrap.sh) for anvil and forge, and python3 (3.11: the
# version the lock was resolved for).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$("$root/script/pyvenv.sh" schemathesis "$root/script/schemathesis/requirements.txt")"
schemathesis="$venv/bin/schemathesis"
"$schemathesis" --version >/dev/null
if [[ "${1:-}" == "--install" ]]; then
    echo "$schemathesis"
    exit 0
fi

cd "$root"
# --workspace, not -p: the same feature resolution as `cargo test --workspace`, so this
# reuses its build instead of compiling a second copy of every dependency.
LINEAGE_SCHEMATHESIS="$schemathesis" \
    cargo test --locked --workspace --test it schemathesis:: -- --nocapture
