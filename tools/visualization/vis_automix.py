"""Gallery of AutoMix/SAMix's learned masks over training.

Run ``python tools/visualization/vis_automix.py --help`` for the options. This
script only wires the command line: the arguments, the documentation and the
work live in :mod:`sumix_ext.commands.vis_automix`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.vis_automix import main  # noqa: E402

if __name__ == '__main__':
    main()
