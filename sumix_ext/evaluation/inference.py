"""Load a classifier from config + checkpoint and feed it test batches."""
from typing import Iterator, Optional, Sequence, Tuple

import torch
from mmengine.config import Config


def default_device() -> str:
    """``'cuda'`` when a GPU is visible, else ``'cpu'``."""
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def init_classifier(cfg: Config, checkpoint: Optional[str],
                    device: str = 'cpu',
                    allow_partial: bool = False) -> torch.nn.Module:
    """Build ``cfg.model`` with mmpretrain's builder and load a checkpoint.

    Loading goes through MMEngine's ``load_checkpoint`` (and so through the
    safe ``torch.load`` of :mod:`sumix_ext.compat`).

    Args:
        cfg (Config): Merged config (after ``--cfg-options``).
        checkpoint (str, optional): ``.pth`` file; None keeps the random
            init (for tests only).
        device (str): ``'cpu'``, ``'cuda'``, ``'cuda:1'``...
        allow_partial (bool): Accept a checkpoint that fits only in part
            (otherwise a checkpoint of another model is one error line,
            :mod:`sumix_ext.engine.checkpoint_match`).

    Returns:
        nn.Module: The classifier in eval mode on ``device``.
    """
    import os.path as osp

    import sumix_ext  # noqa: F401  (registers our modules)
    from mmpretrain.apis import get_model
    if checkpoint is not None and not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {checkpoint}')
    if checkpoint is not None:
        from mmengine.runner.checkpoint import _load_checkpoint

        from ..engine.checkpoint_match import (CheckpointMismatchError,
                                               check_checkpoint_fits)
        from ..engine.runner.sumix_runner import checkpoint_problem
        problem = checkpoint_problem(checkpoint)
        if problem is not None:
            raise CheckpointMismatchError(
                f'not a checkpoint, or corrupt or truncated: {checkpoint} '
                f'({problem}); give a complete .pth file saved by '
                'tools/train.py')
        check_checkpoint_fits(get_model(cfg, None, device='cpu'),
                              _load_checkpoint(checkpoint, 'cpu'),
                              checkpoint, allow_partial)
    model = get_model(cfg, checkpoint, device=device)
    model.eval()
    return model


def build_test_loader(cfg: Config, num_images: Optional[int] = None,
                      batch_size: Optional[int] = None,
                      split: str = 'test_dataloader'):
    """The config's test (or val) dataloader, optionally shortened.

    Args:
        cfg (Config): Merged config.
        num_images (int, optional): Keep the first ``num_images`` samples
            (the dataset's ``indices`` option).
        batch_size (int, optional): Override the batch size.
        split (str): ``'test_dataloader'`` or ``'val_dataloader'``.

    Returns:
        DataLoader: Built by MMEngine's ``Runner.build_dataloader``.
    """
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    if cfg.get(split) is None:
        raise KeyError(f'the config has no {split}; use a config with a '
                       'test/val dataloader')
    loader_cfg = cfg[split].copy()
    loader_cfg['dataset'] = loader_cfg['dataset'].copy()
    if num_images is not None:
        loader_cfg['dataset']['indices'] = int(num_images)
    if batch_size is not None:
        loader_cfg['batch_size'] = int(batch_size)
    loader_cfg['num_workers'] = 0
    loader_cfg.pop('persistent_workers', None)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    return Runner.build_dataloader(loader_cfg)


def iter_batches(model: torch.nn.Module, loader
                 ) -> Iterator[Tuple[torch.Tensor, torch.Tensor, dict]]:
    """Preprocess each batch with the model's data preprocessor.

    Args:
        model (nn.Module): From :func:`init_classifier`.
        loader (DataLoader): From :func:`build_test_loader`.

    Yields:
        tuple: ``(inputs, labels, raw)``: normalised ``(N, C, H, W)``
        inputs on the model's device, ``(N,)`` labels and the raw batch.
    """
    for raw in loader:
        data = model.data_preprocessor(raw, False)
        labels = torch.cat([s.gt_label for s in data['data_samples']])
        yield data['inputs'], labels.to(data['inputs'].device), raw


def pixel_to_input(model: torch.nn.Module, value: float) -> torch.Tensor:
    """The normalised input value of a raw pixel value (per channel).

    Args:
        model (nn.Module): Classifier whose ``data_preprocessor`` may
            normalise with ``mean``/``std``.
        value (float): Raw pixel value, e.g. 0 for black.

    Returns:
        torch.Tensor: ``(C, 1, 1)`` (or scalar when no normalisation).
    """
    pre = model.data_preprocessor
    value = torch.tensor(float(value))
    if getattr(pre, '_enable_normalize', False):
        return (value - pre.mean) / pre.std
    return value


def load_eval_config(config: str, cfg_options: Optional[dict] = None
                     ) -> Config:
    """Load a config for evaluation tools (checked ``--cfg-options``).

    Args:
        config (str): Config file.
        cfg_options (dict, optional): Overrides.

    Returns:
        Config: Merged config.
    """
    from ..config_loading import load_config
    return load_config(config, cfg_options)


def checkpoint_labels(checkpoints, labels=None):
    """Legend labels: ``labels`` if given, else the run (work dir) name of
    each checkpoint, plus its file name where run names repeat.

    Args:
        checkpoints (Sequence[str]): Checkpoint paths.
        labels (Sequence[str], optional): One label per checkpoint.

    Returns:
        list[str]: One label per checkpoint.
    """
    import os.path as osp
    if labels:
        if len(labels) != len(checkpoints):
            raise ValueError(f'--labels: got {len(labels)} labels for '
                             f'{len(checkpoints)} checkpoints; give one per '
                             'checkpoint')
        return list(labels)
    runs = [osp.basename(osp.dirname(osp.abspath(c))) for c in checkpoints]
    return [
        f'{r}/{osp.splitext(osp.basename(c))[0]}' if runs.count(r) > 1 else r
        for r, c in zip(runs, checkpoints)
    ]


class CheckpointSet:
    """The ``CONFIG CHECKPOINT...`` of an analysis tool: the merged config,
    one label per checkpoint, and the models, loaded one at a time.

    The loop every per-checkpoint tool (calibration, occlusion robustness,
    Grad-CAM, ratio fidelity) runs::

        ckpts = CheckpointSet.from_args(args)
        loader = build_test_loader(ckpts.cfg, ...)
        for checkpoint, label, model in ckpts:
            ...

    Args:
        config (str): Config file.
        checkpoints (Sequence[str]): Checkpoint files (may be empty).
        labels (Sequence[str], optional): One legend label per checkpoint;
            None: the run names (:func:`checkpoint_labels`).
        cfg_options (dict, optional): ``--cfg-options`` overrides.
        device (str, optional): None = :func:`default_device`.
        partial_load (bool): Accept checkpoints that fit only in part.
        unsafe_load (bool): Allow full unpickling of checkpoints that the
            safe loader refuses (:mod:`sumix_ext.compat.torch_load`).
    """

    def __init__(self, config: str, checkpoints: Sequence[str],
                 labels: Optional[Sequence[str]] = None,
                 cfg_options: Optional[dict] = None,
                 device: Optional[str] = None, partial_load: bool = False,
                 unsafe_load: bool = False):
        self.unsafe_load = bool(unsafe_load)  # for this set's loads only
        self.cfg = load_eval_config(config, cfg_options)
        self.checkpoints = list(checkpoints)
        self.labels = checkpoint_labels(self.checkpoints, labels)
        self.device = device or default_device()
        self.partial_load = partial_load

    @classmethod
    def from_args(cls, args) -> 'CheckpointSet':
        """Build from the arguments of
        :func:`sumix_ext.apis.cli.add_model_args`."""
        return cls(args.config, args.checkpoints, args.labels,
                   args.cfg_options, args.device,
                   getattr(args, 'partial_load', False),
                   getattr(args, 'unsafe_load', False))

    def __len__(self) -> int:
        return len(self.checkpoints)

    def load(self, checkpoint: Optional[str]) -> torch.nn.Module:
        """The classifier of ``cfg`` with ``checkpoint`` (None: random
        init), in eval mode on :attr:`device`."""
        from ..compat import unsafe_load_scope
        with unsafe_load_scope(self.unsafe_load):
            return init_classifier(self.cfg, checkpoint, self.device,
                                   self.partial_load)

    def __iter__(self) -> Iterator[Tuple[str, str, torch.nn.Module]]:
        """Yield ``(checkpoint, label, model)``, one model in memory at a
        time."""
        for checkpoint, label in zip(self.checkpoints, self.labels):
            yield checkpoint, label, self.load(checkpoint)
