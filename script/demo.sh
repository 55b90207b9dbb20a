#!/usr/bin/env bash
# The main job: `lineage demo` on a local anvil with the embedded defaults. It deploys,
# builds the two sample datasets, registers and certifies them, trains, proves (demo
# profile, INSECURE dev SRS; keys cached in $LINEAGE_CACHE or ~/.cache/lineage), attests,
# anchors generated PNGs, verifies one as a wallet, pays and claims royalties, and prints
# a summary. Work files in target/demo/. Extra arguments go to `lineage demo` (--json,
# --rpc-url URL, --out DIR). Run it again: it reuses what is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source script/env.sh

cargo build --release --locked -p lineage-cli
exec target/release/lineage demo "$@"
