#!/usr/bin/env bash
# A Ray cluster on this machine, for tests and benchmarks: a head and NODES-1 more nodes
# joined to it, each started with explicit --num-cpus, --memory and --object-store-memory
# (without them every node advertises the whole machine, and Ray's memory accounting
# protects nothing). Ray comes from deploy/ray/requirements.txt (script/pyvenv.sh).
#
#   deploy/ray/local-cluster.sh start DIR [NODES [CPUS [MEM_GIB]]]
#       starts it with its files in DIR (absolute, short: Ray's socket paths) and prints its
#       address (host:port) on stdout [default: 2 nodes of 2 CPUs and 11 GiB]
#   deploy/ray/local-cluster.sh stop DIR
#       stops every Ray process of this user on this machine and removes DIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$("$root/script/pyvenv.sh" ray "$root/deploy/ray/requirements.txt")"
ray="$venv/bin/ray"
export RAY_USAGE_STATS_ENABLED=0

cmd=${1:?usage: local-cluster.sh start|stop DIR ...}
dir=${2:?usage: local-cluster.sh start|stop DIR ...}
case $cmd in
stop)
    "$ray" stop --force >/dev/null 2>&1 || true
    rm -rf "$dir"
    exit 0
    ;;
start) ;;
*) echo "local-cluster.sh: start or stop, not $cmd" >&2; exit 2 ;;
esac
nodes=${3:-2} cpus=${4:-2} mem=${5:-11}
mkdir -p "$dir"
# Free ports: the head's, and for each further node the four its agents would otherwise
# take at fixed defaults on this one host.
read -r -a ports < <("$venv/bin/python" - "$((1 + 4 * (nodes - 1)))" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)
opts=(--num-cpus "$cpus" --memory $((mem << 30)) --object-store-memory $((200 << 20))
    --node-ip-address 127.0.0.1 --disable-usage-stats)
"$ray" start --head --port "${ports[0]}" --include-dashboard false --temp-dir "$dir" \
    "${opts[@]}" >"$dir/node-0.log" 2>&1 || { cat "$dir/node-0.log" >&2; exit 1; }
address="127.0.0.1:${ports[0]}"
for ((n = 1; n < nodes; n++)); do
    p=("${ports[@]:$((1 + 4 * (n - 1))):4}")
    "$ray" start --address "$address" "${opts[@]}" \
        --dashboard-agent-listen-port "${p[0]}" --dashboard-agent-grpc-port "${p[1]}" \
        --metrics-export-port "${p[2]}" --runtime-env-agent-port "${p[3]}" \
        >"$dir/node-$n.log" 2>&1 || { cat "$dir/node-$n.log" >&2; exit 1; }
done
RAY_ADDRESS=$address "$venv/bin/python" - "$nodes" >&2 <<'PY'
import sys
import ray
ray.init(address="auto", logging_level="ERROR")
alive = [n for n in ray.nodes() if n["Alive"]]
print(f"a local Ray cluster: {len(alive)} nodes, {ray.cluster_resources()}")
sys.exit(0 if len(alive) == int(sys.argv[1]) else 1)
PY
echo "$address"
