# Source this file (bash or zsh) to use the repository's Foundry toolchain from anywhere:
#   source script/env.sh
# Puts node_modules/.foundry-native (links to Foundry's NATIVE forge, anvil and cast, made
# by script/bootstrap.sh) first on PATH, node_modules/.bin (solcjs) after it, and sets
# FOUNDRY_SOLC to the solc shim's absolute path (foundry.toml's relative `solc` path
# resolves against the current directory, so forge needs this outside the repository root).
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

# Never node_modules/.bin/{forge,anvil,cast}: those Node wrappers always exit 0.
for _lineage_dir in "$LINEAGE_ROOT/node_modules/.bin" "$LINEAGE_ROOT/node_modules/.foundry-native"; do
    case ":$PATH:" in
        *":$_lineage_dir:"*) ;;
        *) PATH="$_lineage_dir:$PATH" ;;
    esac
done
unset _lineage_dir
FOUNDRY_SOLC="$LINEAGE_ROOT/script/solc-shim.js"
export LINEAGE_ROOT PATH FOUNDRY_SOLC
