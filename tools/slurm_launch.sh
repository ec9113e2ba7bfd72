#!/usr/bin/env bash
# Shared body of tools/slurm_train.sh and tools/slurm_test.sh (use those):
#
#   tools/slurm_launch.sh PARTITION JOB_NAME SCRIPT [SCRIPT args...]
#
# runs tools/SCRIPT under srun, one task per GPU. Environment: GPUS (8),
# GPUS_PER_NODE (8; 0 = CPU-only partition: no --gres, TASKS_PER_NODE tasks
# per node, default GPUS, gloo backend), CPUS_PER_TASK (5), SRUN_ARGS,
# PYTHON (default: the repo's .venv, else python3).
set -x
PARTITION=$1
JOB_NAME=$2
SCRIPT=$3
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
    "$PYTHON" -u "$ROOT/tools/$SCRIPT" "${@:4}"
