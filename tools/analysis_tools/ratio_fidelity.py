"""Ratio fidelity: area ``lam`` and SUMix's corrected ratios of every form
against the true semantic share of each mixed image (docs/sumix_analysis.md).

Run ``python tools/analysis_tools/ratio_fidelity.py --help`` for the options.
This script only wires the command line: the arguments, the documentation and
the work live in :mod:`sumix_ext.commands.ratio_fidelity`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.ratio_fidelity import main  # noqa: E402

if __name__ == '__main__':
    main()
