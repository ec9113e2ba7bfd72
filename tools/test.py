"""Evaluate a checkpoint (mmpretrain's tools/test.py conventions).

Run ``python tools/test.py --help`` for the options. This script only wires the
command line: the arguments, the documentation and the work live in
:mod:`sumix_ext.commands.test`.
"""
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from sumix_ext.commands.test import main  # noqa: E402

if __name__ == '__main__':
    main()
