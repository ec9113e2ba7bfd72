#!/usr/bin/env bash
# Distributed training on torchrun (mmpretrain's tools/dist_train.sh).
#
#   tools/dist_train.sh CONFIG GPUS [train.py args...]
#
# GPUS processes per node. Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and
# PORT on every node. Without GPUs each process trains on CPU and the gloo
# backend is used automatically (sumix_ext.compat.dist_cpu).
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG GPUS [train.py args...]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/dist_launch.sh" "$2" train.py "$1" \
    --launcher pytorch "${@:3}"
