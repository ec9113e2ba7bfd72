#!/usr/bin/env bash
# Shared body of tools/dist_train.sh and tools/dist_test.sh (use those):
#
#   tools/dist_launch.sh GPUS SCRIPT [SCRIPT args...]
#
# runs tools/SCRIPT on torchrun (sumix_ext.commands.dist_run: a dead rank ends
# the launch with one error: line) with GPUS processes per node. Multi-node: set
# NNODES, NODE_RANK, MASTER_ADDR and PORT on every node. Without GPUs the gloo
# backend is used automatically (sumix_ext.compat.dist_cpu).
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
set -e
GPUS=$1
SCRIPT=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$PYTHON" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

# node 0 hosts the rendezvous: a taken port is one line, not torch's
# 40-line DistNetworkError
if [ "$NODE_RANK" = 0 ] && ! "$PYTHON" -c "import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('', int(sys.argv[1])))" "$PORT" 2>/dev/null; then
    echo "error: port $PORT is already in use (another distributed run?);" \
         "pick a free one: PORT=29501 bash tools/dist_train.sh ..." >&2
    exit 2
fi

PYTHONPATH="$ROOT":$PYTHONPATH \
"$PYTHON" -m sumix_ext.commands.dist_run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    "$ROOT/tools/$SCRIPT" "${@:3}"
