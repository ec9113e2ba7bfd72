"""Exit 1 unless a run's training loss fell (first vs last logged values);
used by tools/gpu_check.sh. Logic: sumix_ext.evaluation.gpu_report.

Run ``python tools/misc/check_loss_falls.py --help`` for the options. This
script only wires the command line: the arguments, the documentation and the
work live in :mod:`sumix_ext.commands.check_loss_falls`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.check_loss_falls import main  # noqa: E402

if __name__ == '__main__':
    main()
