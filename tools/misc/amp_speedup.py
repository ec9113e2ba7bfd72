"""AMP speed-up table from benchmark_step.py JSON files given as pairs:
CIFAR_FP32 CIFAR_AMP [IN1K_FP32 IN1K_AMP]; used by tools/gpu_check.sh.
Logic: sumix_ext.evaluation.gpu_report.

Run ``python tools/misc/amp_speedup.py --help`` for the options. This script
only wires the command line: the arguments, the documentation and the work live
in :mod:`sumix_ext.commands.amp_speedup`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.amp_speedup import main  # noqa: E402

if __name__ == '__main__':
    main()
