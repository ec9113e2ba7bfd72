#!/usr/bin/env bash
# Testing on a Slurm cluster (mmpretrain's tools/slurm_test.sh).
#
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
#
# One task per GPU. CPU-only partitions: GPUS_PER_NODE=0 drops --gres and
# runs TASKS_PER_NODE (default GPUS) tasks per node on the gloo backend.
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
set -x
if [ $# -lt 4 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]" >&2
    exit 2
fi

PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "$PYTHON" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
if [ "$GPUS_PER_NODE" = "0" ]; then
    GRES=""
    TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS}
else
    GRES="--gres=gpu:${GPUS_PER_NODE}"
    TASKS_PER_NODE=${TASKS_PER_NODE:-$GPUS_PER_NODE}
fi

PYTHONPATH="$ROOT":$PYTHONPATH \
srun -p ${PARTITION} \
    --job-name=${JOB_NAME} \
    ${GRES} \
    --ntasks=${GPUS} \
    --ntasks-per-node=${TASKS_PER_NODE} \
    --cpus-per-task=${CPUS_PER_TASK} \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "$PYTHON" -u "$ROOT/tools/test.py" ${CONFIG} ${CHECKPOINT} --launcher="slurm" "${@:5}"
