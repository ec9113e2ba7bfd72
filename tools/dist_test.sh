#!/usr/bin/env bash
# Distributed testing on torchrun (mmpretrain's tools/dist_test.sh).
#
#   tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py args...]
#
# GPUS processes per node. Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and
# PORT on every node. Without GPUs the gloo backend is used automatically.
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT GPUS [test.py args...]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/dist_launch.sh" "$3" test.py "$1" "$2" \
    --launcher pytorch "${@:4}"
