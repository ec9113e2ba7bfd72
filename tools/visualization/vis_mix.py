"""Gallery of mixed samples: one row per mixer, titled with mixer and lam.

Run ``python tools/visualization/vis_mix.py --help`` for the options. This
script only wires the command line: the arguments, the documentation and the
work live in :mod:`sumix_ext.commands.vis_mix`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.vis_mix import main  # noqa: E402

if __name__ == '__main__':
    main()
