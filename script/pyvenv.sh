#!/usr/bin/env bash
# A Python virtual environment outside the clone, installed from a lock that pins every
# dependency by hash (binary wheels only), and reused while the lock and the interpreter
# stay the same. Prints the environment's folder.
#
#   script/pyvenv.sh NAME LOCK     e.g. script/pyvenv.sh ray deploy/ray/requirements.txt
#
# Needs python3 (3.11: the version the locks were resolved for; $PYTHON picks another).
set -euo pipefail

name=${1:?usage: script/pyvenv.sh NAME LOCK}
lock=${2:?usage: script/pyvenv.sh NAME LOCK}
python="${PYTHON:-python3}"

key="$({ cat "$lock"; "$python" -VV; } | sha256sum | cut -c1-16)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/lineage/venv-$name-$key"
mkdir -p "$(dirname "$venv")"
# One installer at a time; a half-built environment (no .complete) is built again.
exec 9>"$venv.lock"
flock 9
if [[ ! -e "$venv/.complete" ]]; then
    rm -rf "$venv"
    "$python" -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-hashes --only-binary=:all: -r "$lock" >&2
    touch "$venv/.complete"
fi
exec 9>&-
echo "$venv"
