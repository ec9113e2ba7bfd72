#!/usr/bin/env bash
# Distributed testing on torchrun (mmpretrain's tools/dist_test.sh).
#
#   tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args...]
#
# GPUS processes per node. Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and
# PORT on every node. Without GPUs the gloo backend is used automatically.
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
set -e
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT GPUS [test.py args...]" >&2
    exit 2
fi

CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$PYTHON" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi

PYTHONPATH="$ROOT":$PYTHONPATH \
"$PYTHON" -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    "$ROOT/tools/test.py" \
    $CONFIG \
    $CHECKPOINT \
    --launcher pytorch "${@:4}"
