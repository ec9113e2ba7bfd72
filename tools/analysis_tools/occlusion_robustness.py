"""Top-1 accuracy vs occluded share of the image (SUMix paper, Fig. 5).

Run ``python tools/analysis_tools/occlusion_robustness.py --help`` for the
options. This script only wires the command line: the arguments, the
documentation and the work live in
:mod:`sumix_ext.commands.occlusion_robustness`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.occlusion_robustness import main  # noqa: E402

if __name__ == '__main__':
    main()
