#!/usr/bin/env bash
# Testing on a Slurm cluster (mmpretrain's tools/slurm_test.sh).
#
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
#
# One task per GPU. CPU-only partitions: GPUS_PER_NODE=0 drops --gres and
# runs TASKS_PER_NODE (default GPUS) tasks per node on the gloo backend.
# PYTHON picks the interpreter (default: the repo's .venv, else python3).
if [ $# -lt 4 ]; then
    echo "usage: $0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]" >&2
    exit 2
fi
exec bash "$(dirname "$0")/slurm_launch.sh" "$1" "$2" test.py "$3" "$4" \
    --launcher=slurm "${@:5}"
