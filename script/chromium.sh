#!/usr/bin/env bash
# Makes Debian's headless-capable `chromium` available for the indexer's web page test
# (indexer/tests/it/web.rs); idempotent. Prints the binary's path.
set -euo pipefail
if ! command -v chromium >/dev/null; then
    printf 'chromium: installing Debian'"'"'s chromium package\n' >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends chromium >&2
fi
command -v chromium
