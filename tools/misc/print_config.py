"""Print the resolved config (after ``_base_`` and ``--cfg-options``), as
mmpretrain's ``tools/misc/print_config.py``.

Run ``python tools/misc/print_config.py --help`` for the options. This script
only wires the command line: the arguments, the documentation and the work live
in :mod:`sumix_ext.commands.print_config`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.print_config import main  # noqa: E402

if __name__ == '__main__':
    main()
