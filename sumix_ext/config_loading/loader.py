"""Load a config and check ``--cfg-options`` keys before merging them."""
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config

from .errors import located_syntax_error as _located_syntax_error
from .errors import missing_base as _missing_base
from .errors import base_files as _base_files
from .errors import suggest as _suggest
from .renamed import renamed_hint


#: top-level keys MMEngine's Runner (``Runner.from_cfg``) and our tools
#: understand even when a config does not set them
RUNNER_KEYS = frozenset((
    'model', 'work_dir', 'train_dataloader', 'val_dataloader',
    'test_dataloader', 'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr',
    'optim_wrapper', 'param_scheduler', 'val_evaluator', 'test_evaluator',
    'default_hooks', 'custom_hooks', 'data_preprocessor', 'load_from',
    'resume', 'launcher', 'env_cfg', 'log_processor', 'log_level',
    'visualizer', 'default_scope', 'randomness', 'experiment_name',
    'compile', 'model_wrapper_cfg', 'runner_type', 'custom_imports',
    'unsafe_load', 'load_partial'))
#: keys an ``optim_wrapper`` dict takes (MMEngine's OptimWrapper and
#: AmpOptimWrapper arguments plus the constructor's)
OPTIM_WRAPPER_KEYS = frozenset((
    'type', 'optimizer', 'accumulative_counts', 'clip_grad', 'dtype',
    'loss_scale', 'paramwise_cfg', 'constructor', 'use_fsdp'))
#: dicts whose keys are free-form settings of MMEngine
FREE_FORM = frozenset(('env_cfg', 'randomness', 'auto_scale_lr',
                       'model_wrapper_cfg', 'log_processor', 'train_cfg',
                       'val_cfg', 'test_cfg', 'compile', 'custom_imports'))


def check_cfg_options(cfg: Config, options: dict) -> None:
    """Reject ``--cfg-options`` keys that do not exist in ``cfg`` (typos),
    but accept every key MMEngine understands.

    Every part of a dotted key before the last must exist, except where
    MMEngine defines the key: a top-level Runner key (:data:`RUNNER_KEYS`:
    ``compile=True``, ``model_wrapper_cfg=...``, ``auto_scale_lr.enable``),
    an ``optim_wrapper`` argument (:data:`OPTIM_WRAPPER_KEYS`:
    ``accumulative_counts``, ``clip_grad.max_norm``), anything below a
    free-form settings dict (:data:`FREE_FORM`), or a new keyword argument
    of a component config (a dict with a ``type``), also a dict-valued one
    (``dataset.metainfo.classes``) unless its name is close to an existing
    key (``model.mixr.alpha``: a typo). A list index may be
    the next free one (``visualizer.vis_backends.1=...`` appends).

    Args:
        cfg (Config): The loaded config.
        options (dict): ``{'a.b.c': value}`` as parsed by ``DictAction``.

    Raises:
        KeyError: One line naming the bad key and the nearest existing one.
    """
    for dotted in options:
        node = cfg._cfg_dict if isinstance(cfg, Config) else cfg
        parts = dotted.split('.')
        for depth, part in enumerate(parts):
            path = '.'.join(parts[:depth + 1])
            if isinstance(node, (list, tuple)):
                if part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                    continue
                if part.isdigit() and int(part) == len(node):
                    break  # appends (see merge_options)
                raise KeyError(f'--cfg-options: {path} does not exist ('
                               f'{".".join(parts[:depth])} is a list of '
                               f'{len(node)} items)')
            if node is None:
                break  # a None is filled by the keys given (compat)
            if not isinstance(node, dict):
                raise KeyError(f'--cfg-options: {path} does not exist '
                               f'({".".join(parts[:depth])} is not a dict)')
            if part in node:
                if depth == 0 and part in FREE_FORM:
                    break
                node = node[part]
                continue
            if depth == 0 and part in RUNNER_KEYS:
                break  # an MMEngine setting the config leaves at default
            if depth == 1 and parts[0] == 'optim_wrapper' and \
                    part in OPTIM_WRAPPER_KEYS:
                break
            if 'type' in node and (depth == len(parts) - 1 or not _suggest(
                    part, node.keys())):
                # a new kwarg of a component (its constructor checks it),
                # also a dict-valued one - unless it looks like a typo of
                # an existing key (model.mixr.alpha)
                break
            known = set(node.keys()) | (set(RUNNER_KEYS) if depth == 0 else
                                        set(OPTIM_WRAPPER_KEYS) if depth == 1
                                        and parts[0] == 'optim_wrapper'
                                        else set())
            raise KeyError(f"--cfg-options: key '{path}' does not exist in "
                           f'the config{_suggest(part, known)}')


def merge_options(cfg: Config, options: dict) -> None:
    """``cfg.merge_from_dict(options)``, where a list index equal to the
    list's length appends an item (MMEngine only replaces items)."""
    for dotted in sorted(options, key=lambda k: k.count('.')):
        parts = dotted.split('.')
        node = cfg._cfg_dict
        for depth, part in enumerate(parts[:-1]):
            nxt = parts[depth + 1]
            child = node[int(part)] if isinstance(node, list) else \
                node.get(part) if isinstance(node, dict) else None
            if isinstance(child, list) and nxt.isdigit() and \
                    int(nxt) == len(child):
                child.append({} if depth + 2 < len(parts) else None)
            node = child
            if node is None:
                break
        value = options[dotted]
        if isinstance(value, dict) and '_delete_' in value and not (
                isinstance(node, dict) and parts[-1] in node):
            # a Python dict for a key the config lacks (e.g. "model.mix_loss
            # =dict(type='DecoupleMixLoss')"): nothing to replace, and the
            # marker would reach the component as an argument
            options[dotted] = {k: v for k, v in value.items()
                               if k != '_delete_'}
    cfg.merge_from_dict(options)


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Load ``path`` and merge checked ``--cfg-options`` into it.

    Args:
        path (str): Config file.
        cfg_options (dict, optional): Overrides from the command line.

    Returns:
        Config: The merged config.
    """
    if not osp.isfile(path):
        hint = renamed_hint(path) or ''
        folder = osp.dirname(path) or '.'
        if osp.isdir(folder) and not hint:
            hint = _suggest(osp.basename(path), [
                f for f in os.listdir(folder) if f.endswith('.py')
            ])
        raise FileNotFoundError(f'config file not found: {path}{hint}')
    if path.endswith(('.yaml', '.yml', '.json')):
        cfg = _load_data_config(path)
    else:
        try:
            cfg = Config.fromfile(path)
        except SyntaxError as exc:
            raise _located_syntax_error(path) or exc
        except FileNotFoundError as exc:
            raise _missing_base(path) or exc
    old_root = cfg.get('data_root')
    _follow_child_data_root(path, cfg)

    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        merge_options(cfg, cfg_options)
        if 'data_root' in cfg_options and old_root is not None:
            follow_data_root(cfg, old_root, cfg_options['data_root'])
    return cfg


LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def follow_data_root(cfg: Config, old: str, new: str) -> list:
    """``--cfg-options data_root=NEW``: MMEngine resolves ``data_root`` into
    each dataloader when the file is read, so the top-level key alone moves
    nothing. Every dataloader whose dataset still has the config's old
    root gets the new one (a loader with a root of its own keeps it).

    Returns:
        list: The dataloader keys that were moved.
    """
    moved = []
    for key in LOADERS:
        dataset = (cfg.get(key) or {}).get('dataset') or {}
        if dataset.get('data_root') == old:
            dataset['data_root'] = new
            moved.append(key)
    return moved


def _follow_child_data_root(path: str, cfg: Config) -> None:
    """A child config that sets ``data_root = ...`` at the top level moves
    the dataloaders that used its base's ``data_root`` (MMEngine resolved
    that variable inside the base, so the child's value reached none)."""
    import ast
    if not path.endswith('.py') or cfg.get('data_root') is None:
        return
    with open(path, encoding='utf-8') as f:
        text = f.read()
    tree = ast.parse(text, filename=path)
    if not any(isinstance(n, ast.Assign) and any(
            getattr(t, 'id', None) == 'data_root' for t in n.targets)
            for n in tree.body):
        return
    for base in _base_files(osp.abspath(path), text):
        if not osp.isfile(base):
            continue
        old = Config.fromfile(base).get('data_root')
        if old is not None and old != cfg.data_root:
            follow_data_root(cfg, old, cfg.data_root)
            return


def _load_data_config(path: str) -> Config:
    """A ``.yaml``/``.json`` config, with one line when it is not one."""
    try:
        cfg = Config.fromfile(path)
    except Exception as exc:  # noqa: BLE001 - parser errors of any kind
        first = ' '.join(str(exc).split())[:200]
        raise ValueError(
            f'{path} is not a valid {osp.splitext(path)[1]} config ({first}); '
            'fix its syntax, or, if it holds Python (dict(...), _base_ = '
            '[...]), name it .py') from None
    if not isinstance(cfg._cfg_dict.to_dict(), dict):
        raise ValueError(f'{path} does not hold a mapping of keys; a config '
                         'is key: value pairs (or a .py file)')
    return cfg


def apply_dataloader_defaults(cfg: Config, no_pin_memory: bool = False,
                              no_persistent_workers: bool = False) -> None:
    """The dataloader defaults of mmpretrain's ``tools/train.py`` /
    ``tools/test.py``, for every dataloader the config has.

    * ``pin_memory`` defaults to True where a CUDA GPU is visible (pinning
      only speeds host-to-GPU copies; on a CPU-only machine PyTorch warns
      and ignores it); ``--no-pin-memory`` sets False;
    * ``persistent_workers`` defaults to True when ``num_workers > 0``
      (workers are not restarted every epoch); ``--no-persistent-workers``
      sets False. With ``num_workers=0`` it is always False (PyTorch
      refuses it).

    A value the config sets itself is kept, unless a flag overrides it.

    Args:
        cfg (Config): The merged config (changed in place).
        no_pin_memory (bool): ``--no-pin-memory``.
        no_persistent_workers (bool): ``--no-persistent-workers``.
    """
    import torch
    for field in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(field)
        if not isinstance(loader, dict):
            continue
        loader.setdefault('pin_memory', torch.cuda.is_available())
        workers = int(loader.get('num_workers', 0) or 0)
        loader.setdefault('persistent_workers', workers > 0)
        if no_pin_memory:
            loader['pin_memory'] = False
        if no_persistent_workers or workers == 0:
            loader['persistent_workers'] = False
