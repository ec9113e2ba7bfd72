"""Expected calibration error and reliability diagrams per checkpoint.

Run ``python tools/analysis_tools/calibration.py --help`` for the options. This
script only wires the command line: the arguments, the documentation and the
work live in :mod:`sumix_ext.commands.calibration`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.calibration import main  # noqa: E402

if __name__ == '__main__':
    main()
