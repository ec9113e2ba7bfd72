"""Command-line helpers shared by every tool (``tools/*.py``,
``tools/analysis_tools``, ``tools/visualization``): argument groups and
output writers. Tools parse arguments with these and hand the work to the
package; nothing here trains or evaluates."""
import argparse
import json
import os
import os.path as osp
from typing import Optional


def parse_python_value(text: str):
    """A ``--cfg-options`` value written as Python: literals, lists,
    tuples, ``{...}`` and ``dict(key=value, ...)`` calls (nothing else is
    evaluated). A dict given this way replaces the config's dict
    (``_delete_=True``) instead of merging into it.

    Raises:
        ValueError: Anything but those literals.
    """
    import ast

    def value(node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == 'dict' and not node.args:
            return {kw.arg: value(kw.value) for kw in node.keywords}
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [value(e) for e in node.elts]
            return items if isinstance(node, ast.List) else tuple(items)
        if isinstance(node, ast.Dict):
            return {value(k): value(v) for k, v in zip(node.keys,
                                                       node.values)}
        return ast.literal_eval(node)

    out = value(ast.parse(text.strip(), mode='eval').body)
    return dict(out, _delete_=True) if isinstance(out, dict) else out


class DictActionLazy(argparse.Action):
    """mmengine's ``DictAction`` for ``--cfg-options`` (imported lazily to
    keep ``--help`` fast), plus values written as Python dicts:
    ``model.mixer=dict(type='BatchFMix', alpha=0.5)`` or
    ``"visualizer.vis_backends=[dict(type='TensorboardVisBackend')]"``
    (:func:`parse_python_value`)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from mmengine.config import DictAction
        plain, python = [], {}
        for item in values:
            key, _, text = item.partition('=')
            if 'dict(' in text or text.strip().startswith('{'):
                try:
                    python[key] = parse_python_value(text)
                except (ValueError, SyntaxError) as exc:
                    parser.error(f'--cfg-options {key}: cannot read {text!r}'
                                 f' as a Python value ({exc})')
            else:
                plain.append(item)
        DictAction(self.option_strings, self.dest)(parser, namespace, plain,
                                                   option_string)
        if python:
            options = getattr(namespace, self.dest) or {}
            options.update(python)
            setattr(namespace, self.dest, options)


def add_model_args(parser: argparse.ArgumentParser,
                   checkpoints_nargs: str = '+',
                   device_default: Optional[str] = None,
                   num_images_default: Optional[int] = None) -> None:
    """``CONFIG CHECKPOINT...`` plus ``--labels/--device/--num-images/
    --batch-size/--unsafe-load/--partial-load/--cfg-options``: the arguments
    :meth:`sumix_ext.evaluation.CheckpointSet.from_args` reads.

    Args:
        parser (ArgumentParser): The tool's parser.
        checkpoints_nargs (str): ``'+'`` (at least one checkpoint) or
            ``'*'`` (a tool that also works without a model).
        device_default (str, optional): None = cuda if available else cpu.
        num_images_default (int, optional): None = every image.
    """
    parser.add_argument('config', help='model/data config file')
    parser.add_argument(
        'checkpoints', nargs=checkpoints_nargs,
        help='one or more checkpoints of that model' if checkpoints_nargs
        == '+' else 'checkpoints of that model (none: no model is used)')
    parser.add_argument('--labels', nargs='+',
                        help='legend label per checkpoint (default: run '
                        'name = the checkpoint folder)')
    parser.add_argument('--device', default=device_default,
                        help='cpu, cuda, cuda:1... (default: ' + (
                            device_default or 'cuda if available else cpu')
                        + ')')
    parser.add_argument('--num-images', type=int,
                        default=num_images_default,
                        help='use the first N images (default: ' + (
                            str(num_images_default) if num_images_default
                            else 'all') + ')')
    parser.add_argument('--batch-size', type=int, default=None,
                        help='override the test batch size')
    add_load_args(parser)
    add_cfg_options(parser)


def add_cfg_options(parser: argparse.ArgumentParser) -> None:
    """``--cfg-options key=value ...`` (mmengine's ``DictAction``)."""
    parser.add_argument('--cfg-options', nargs='+', action=DictActionLazy,
                        help='override settings in the config, key=value '
                        '(merged into the config file)')


def add_load_args(parser: argparse.ArgumentParser) -> None:
    """``--unsafe-load`` and ``--partial-load``: how checkpoints load
    (``cfg.unsafe_load`` / ``cfg.load_partial`` via
    :func:`merge_common_args`, or
    :class:`~sumix_ext.evaluation.CheckpointSet`).
    """
    parser.add_argument('--unsafe-load', action='store_true',
                        help='allow full unpickling of checkpoints that '
                        'weights_only loading refuses (trusted files only)')
    parser.add_argument('--partial-load', action='store_true',
                        help='accept checkpoints that fit the model only in '
                        'part (default: one error line)')


def add_launcher_args(parser: argparse.ArgumentParser) -> None:
    """``--launcher`` and ``--local-rank`` of mmpretrain's train/test."""
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_launcher_args(parser: argparse.ArgumentParser,
                        argv=None) -> argparse.Namespace:
    """Parse ``argv``; export ``LOCAL_RANK`` from ``--local-rank`` when
    the launcher did not set it (``torch.distributed.launch`` style)."""
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_common_args(cfg, args: argparse.Namespace):
    """The part of train/test's argument merge they share: ``--launcher``,
    ``--work-dir`` (default ``./work_dirs/<config name>``, as mmpretrain),
    ``--unsafe-load``, ``--partial-load``.

    Args:
        cfg (Config): The loaded config (changed in place).
        args (Namespace): Parsed arguments with ``config``, ``work_dir``,
            ``launcher``, ``unsafe_load``, ``partial_load``.

    Returns:
        Config: ``cfg``.
    """
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.unsafe_load:
        cfg.unsafe_load = True
    if args.partial_load:
        cfg.load_partial = True
    return cfg


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


def save_figure(fig, path: str, dpi: int = 120) -> None:
    """Lay out, write (creating the folder) and close a matplotlib figure."""
    out_dir = osp.dirname(osp.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    agg_pyplot().close(fig)
