"""Training curves of one or more runs from MMEngine's JSON logs.

Run ``python tools/analysis_tools/plot_curves.py --help`` for the options. This
script only wires the command line: the arguments, the documentation and the
work live in :mod:`sumix_ext.commands.plot_curves`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.plot_curves import main  # noqa: E402

if __name__ == '__main__':
    main()
