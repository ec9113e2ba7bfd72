"""Train a model from a config (mmpretrain's tools/train.py conventions).

Run ``python tools/train.py --help`` for the options. This script only wires
the command line: the arguments, the documentation and the work live in
:mod:`sumix_ext.commands.train`.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sumix_ext.commands.train import main  # noqa: E402

if __name__ == '__main__':
    main()
