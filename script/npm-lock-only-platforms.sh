#!/usr/bin/env bash
# Reads `npm ci`'s stderr on stdin. Exits 0 when npm rejected the lock file ONLY because
# it lacks some of Foundry's optional per-platform packages, as npm prints them:
#   npm error Missing: @foundry-rs/anvil-darwin-amd64@1.7.1 from lock file
# (a registry mirror that lacks some platform packages yields such a lock file; npm/cli
# #9846). Exits 1 for anything else: another package missing or invalid, or no complaint
# at all. script/bootstrap.sh uses it to decide on its fallback; tests/shell/bootstrap.sh
# runs it on real npm output kept in script/fixtures/.
set -euo pipefail

platform_only='^Missing: @foundry-rs/(forge|anvil|cast)-[a-z0-9]+-[a-z0-9]+@[0-9][0-9A-Za-z.+-]* from lock file$'
problems="$(grep -Eo '(Missing|Invalid): .*' || true)"
[[ -n $problems ]] || exit 1
! grep -Eqv "$platform_only" <<<"$problems"
