# Source this file (bash or zsh) to use the repository's Foundry toolchain from anywhere:
#   source script/env.sh
# Puts node_modules/.bin (forge, anvil, cast, solcjs) first on PATH and sets FOUNDRY_SOLC
# to the solc shim's absolute path (foundry.toml's relative `solc` path resolves against
# the current directory, so forge needs this outside the repository root).
# Run script/bootstrap.sh first.

if [ -n "${BASH_SOURCE:-}" ]; then
    _lineage_env_file="${BASH_SOURCE[0]}"
elif [ -n "${ZSH_VERSION:-}" ]; then
    _lineage_env_file="${(%):-%x}"
else
    # A POSIX sh cannot tell which file it is sourcing: assume the repository root.
    _lineage_env_file="$PWD/script/env.sh"
fi
LINEAGE_ROOT="$(cd "$(dirname "$_lineage_env_file")/.." && pwd)"
unset _lineage_env_file

case ":$PATH:" in
    *":$LINEAGE_ROOT/node_modules/.bin:"*) ;;
    *) PATH="$LINEAGE_ROOT/node_modules/.bin:$PATH" ;;
esac
FOUNDRY_SOLC="$LINEAGE_ROOT/script/solc-shim.js"
export LINEAGE_ROOT PATH FOUNDRY_SOLC
