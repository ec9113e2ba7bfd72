"""Training-step cost of SUMix: median full step (forward, backward,
optimizer) of four variants measured in one process, plus the SUMix loss and
each mixer alone.

Run ``python tools/analysis_tools/benchmark_step.py --help`` for the options.
This script only wires the command line: the arguments, the documentation and
the work live in :mod:`sumix_ext.commands.benchmark_step`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.benchmark_step import main  # noqa: E402

if __name__ == '__main__':
    main()
