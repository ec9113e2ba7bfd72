"""Images per second of a config's training data pipeline with 0 / N
DataLoader workers (decode + augment + collate; no model).

Run ``python tools/analysis_tools/benchmark_pipeline.py --help`` for the
options. This script only wires the command line: the arguments, the
documentation and the work live in
:mod:`sumix_ext.commands.benchmark_pipeline`.
"""
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from sumix_ext.commands.benchmark_pipeline import main  # noqa: E402

if __name__ == '__main__':
    main()
