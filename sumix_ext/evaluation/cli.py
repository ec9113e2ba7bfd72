"""Argument parsing and output helpers shared by the analysis tools
(`tools/analysis_tools`, `tools/visualization`)."""
import argparse
import json
import os
import os.path as osp

from ..apis.cli import DictActionLazy  # noqa: F401  (the shared one)


def add_model_args(parser: argparse.ArgumentParser) -> None:
    """CONFIG CHECKPOINT... plus --labels/--device/--cfg-options/
    --num-images/--batch-size."""
    parser.add_argument('config', help='model/data config file')
    parser.add_argument('checkpoints', nargs='+',
                        help='one or more checkpoints of that model')
    parser.add_argument('--labels', nargs='+',
                        help='legend label per checkpoint (default: run '
                        'name = the checkpoint folder)')
    parser.add_argument('--device', default=None,
                        help='cuda if available else cpu')
    parser.add_argument('--num-images', type=int, default=None,
                        help='evaluate the first N test images (default all)')
    parser.add_argument('--batch-size', type=int, default=None,
                        help='override the test batch size')
    parser.add_argument('--unsafe-load', action='store_true',
                        help='allow full unpickling of checkpoints that '
                        'weights_only loading refuses (trusted files only)')
    parser.add_argument('--partial-load', action='store_true',
                        help='accept checkpoints that fit the model only in '
                        'part (default: one error line)')
    parser.add_argument('--cfg-options', nargs='+', action=DictActionLazy,
                        help='override settings in the config, key=value')


def apply_unsafe_load(args: argparse.Namespace) -> None:
    """Honour ``--unsafe-load`` (see :mod:`sumix_ext.compat.torch_load`)."""
    if getattr(args, 'unsafe_load', False):
        from sumix_ext.compat import allow_unsafe_load
        allow_unsafe_load(True)


def write_outputs(out_dir: str, name: str, payload, markdown: str) -> None:
    """Write ``<name>.json`` and ``<name>.md`` in ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, f'{name}.json'), 'w') as f:
        json.dump(payload, f, indent=2)
    with open(osp.join(out_dir, f'{name}.md'), 'w') as f:
        f.write(markdown)


def agg_pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt
