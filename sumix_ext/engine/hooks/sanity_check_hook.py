"""Catch config/data mismatches before the first iteration, in one line."""
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

from ..preflight import empty_dataset, fewer_than_one_batch
from .rng_state_hook import get_rng_state, set_rng_state


def _describe(dataset) -> str:
    """``TypeName(data_root='...', split='...')`` for error messages."""
    inner = dataset
    while hasattr(inner, 'dataset') and not hasattr(inner, 'data_root'):
        inner = inner.dataset  # RepeatDataset / ClassBalancedDataset
    parts = []
    for attr in ('data_root', 'split', 'ann_file'):
        value = getattr(inner, attr, None)
        if value:
            parts.append(f'{attr}={value!r}')
    return f"{type(inner).__name__}({', '.join(parts)})"


def _short(names: list, n: int = 6) -> str:
    shown = ', '.join(map(str, names[:n]))
    return f'[{shown}{", ..." if len(names) > n else ""}] ({len(names)})'


def _first_conv_in_channels(module: torch.nn.Module) -> Optional[int]:
    for m in module.modules():
        if isinstance(m, torch.nn.Conv2d):
            return m.in_channels
    return None


def schedule_warnings(cfg) -> list:
    """Warnings for by-epoch cosine schedules that end before training.

    Args:
        cfg: The run's config (``param_scheduler``, ``train_cfg``).

    Returns:
        list[str]: One message per such scheduler.
    """
    train_cfg = cfg.get('train_cfg') or {}
    max_epochs = train_cfg.get('max_epochs')
    scheds = cfg.get('param_scheduler') or []
    scheds = [scheds] if isinstance(scheds, dict) else scheds
    out = []
    if not max_epochs or not train_cfg.get('by_epoch', True):
        return out
    for s in scheds:
        if not isinstance(s, dict) or s.get('type') != 'CosineAnnealingLR' \
                or not s.get('by_epoch', True) or s.get('end') is not None:
            continue
        t_max = s.get('T_max')
        if t_max is not None and s.get('begin', 0) + t_max < max_epochs:
            out.append(
                f'param_scheduler CosineAnnealingLR T_max={t_max} ends at '
                f'epoch {s.get("begin", 0) + t_max} but train_cfg.max_epochs='
                f'{max_epochs}: the cosine is periodic, so the learning rate '
                f'rises again after it; set T_max={max_epochs} (or end=) '
                'when you change max_epochs (e.g. param_scheduler.0.T_max)')
    return out


def subset_warnings(dataset) -> list:
    """A warning when an ``indices`` subset keeps fewer classes than the
    dataset has (the first N samples of a class-sorted folder)."""
    classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
    get_labels = getattr(dataset, 'get_gt_labels', None)
    if not classes or get_labels is None or len(classes) < 2:
        return []
    try:
        labels = torch.as_tensor(get_labels()).flatten()
    except (TypeError, ValueError, KeyError, IndexError):
        return []
    seen = int(labels.unique().numel())
    if labels.numel() >= len(classes) and seen < len(classes) // 2:
        return [f'the training set ({len(labels)} samples) holds only '
                f'{seen} of its {len(classes)} classes: an `indices=N` '
                'subset keeps the first N samples, which in a class-sorted '
                'folder are one or two classes; give a shuffled ann_file '
                'instead']
    return []


@HOOKS.register_module()
class SanityCheckHook(Hook):
    """Check that the model fits the data before training/testing starts.

    Each failed check raises ``ValueError`` with one line naming the
    problem and the fix (``tools/train.py`` prints it without traceback):

    * **empty dataset**: 0 samples, or fewer than one batch with
      ``drop_last=True`` (training would silently do nothing);
    * **classes**: the head's ``num_classes`` differs from the number of
      classes in the dataset's ``metainfo['classes']``;
    * **channels**: a sample after the pipeline and data preprocessor has
      ``C`` channels but the backbone's first convolution expects another
      number (e.g. grayscale Fashion-MNIST fed to a 3-channel ResNet);
    * **mixing with batch size 1**: a mixer needs a partner in the batch,
      also in the last batch of an epoch with ``drop_last=False`` (found
      here, not at the end of the first epoch);
    * **labels**: a label outside ``[0, num_classes)`` (an ann-file typo),
      which would fail inside the loss or as a device-side assert on a
      GPU.

    And it warns (training goes on) about two traps of a new config:

    * a by-epoch ``CosineAnnealingLR`` whose ``T_max`` (from ``begin``)
      ends before ``train_cfg.max_epochs`` without an ``end``: the cosine
      is periodic, so the learning rate climbs back up after ``T_max``;
    * ``indices=N`` that keeps fewer classes than the dataset has (the
      first ``N`` samples of a class-sorted folder are one or two classes).

    Reading one sample may draw random augmentations, so the global RNG
    states are saved and restored around the checks.

    Args:
        check_channels (bool): Run the channel check. Defaults to True.
    """

    priority = 'NORMAL'

    def __init__(self, check_channels: bool = True):
        self.check_channels = check_channels

    def before_train(self, runner) -> None:
        train = runner.train_dataloader.dataset
        self._check_empty_classes(train)
        val_loop = getattr(runner, '_val_loop', None)
        val = getattr(getattr(val_loop, 'dataloader', None), 'dataset', None)
        if val is not None:
            self._check_same_class_names(train, val, 'val')
        self._check(runner, runner.train_dataloader, 'train', train=True)
        for text in schedule_warnings(runner.cfg) + subset_warnings(
                runner.train_dataloader.dataset):
            runner.logger.warning(text)

    def before_val(self, runner) -> None:
        self._check(runner, runner.val_dataloader, 'val')

    def before_test(self, runner) -> None:
        self._check(runner, runner.test_dataloader, 'test')

    # ------------------------------------------------------------------
    def _check(self, runner, dataloader, phase: str,
               train: bool = False) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        dataset = dataloader.dataset
        where = f'{phase}_dataloader.dataset {_describe(dataset)}'
        n = len(dataset)
        if n == 0:
            raise empty_dataset(where)
        batch_size = dataloader.batch_size or 1
        if train and dataloader.drop_last and n < batch_size:
            # under DDP each process gets about n / world_size samples
            raise fewer_than_one_batch(where, n, batch_size, phase)
        if train and getattr(model, 'mixer', None) is not None \
                and batch_size < 2:
            raise ValueError(
                f'{phase}_dataloader.batch_size={batch_size} with mixing '
                f'({type(model.mixer).__name__}): there is no partner to mix '
                'with; use batch_size >= 2 and drop_last=True')
        if train and getattr(model, 'mixer', None) is not None \
                and not dataloader.drop_last:
            from mmengine.dist import get_world_size
            per_rank = -(-n // get_world_size())  # DefaultSampler rounds up
            if per_rank % batch_size == 1:
                raise ValueError(
                    f'{where} has {n} samples: with batch_size={batch_size} '
                    'and drop_last=False the last batch of every epoch holds '
                    'one image, which has no partner to mix with; set '
                    f'{phase}_dataloader.drop_last=True or change the '
                    'batch size')
        self._check_classes(model, dataset, where, phase)
        self._check_labels(model, dataset, where)
        if self.check_channels:
            state = get_rng_state()
            try:
                self._check_channels(model, dataloader, where, phase)
            finally:
                set_rng_state(state)

    @staticmethod
    def _check_same_class_names(train, other, phase: str) -> None:
        """Train and val/test must list the same class names in the same
        order (a label is an index into the list): a differing list
        silently shifts the labels even when the counts agree."""
        names = [(getattr(d, 'metainfo', None) or {}).get('classes')
                 for d in (train, other)]
        if not all(names) or list(names[0]) == list(names[1]):
            return
        a, b = list(names[0]), list(names[1])
        only_a = [c for c in a if c not in b]
        only_b = [c for c in b if c not in a]
        detail = (f'only in train: {only_a}; only in {phase}: {only_b}'
                  if only_a or only_b else 'same names, another order')
        raise ValueError(
            f'the train and {phase} datasets name different classes '
            f'(train {_short(a)}, {phase} {_short(b)}; {detail}): label ids '
            f'would not match; give {phase} the same class folders as '
            'train (or the same metainfo=dict(classes=[...]) on both)')

    @staticmethod
    def _check_empty_classes(dataset) -> None:
        """A class of the training set with no image at all (an empty
        class folder) is named, with its one fix."""
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        get_labels = getattr(dataset, 'get_gt_labels', None)
        if not classes or get_labels is None or getattr(
                dataset, '_indices', None) is not None:
            return  # an indices subset may leave classes out on purpose
        try:
            labels = torch.as_tensor(get_labels()).flatten()
        except (TypeError, ValueError, KeyError, IndexError):
            return
        if labels.numel() == 0 or labels.min() < 0:
            return
        counts = torch.bincount(labels, minlength=len(classes))
        empty = [c for c, n in zip(classes, counts.tolist()) if n == 0]
        if empty:
            root = getattr(dataset, 'data_prefix', {}).get('img_path', '')
            raise ValueError(
                f'train_dataloader.dataset {_describe(dataset)}: class '
                f'folder(s) with no image: '
                f'{", ".join(repr(c) for c in empty)}'
                + (f' in {root}' if root else '') +
                '; delete the empty folder(s) (or add their images)')

    @staticmethod
    def _check_classes(model, dataset, where: str, phase: str) -> None:
        head = getattr(model, 'head', None)
        num_classes = getattr(head, 'num_classes', None)
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        if num_classes is None or not classes:
            return
        if int(num_classes) != len(classes):
            raise ValueError(
                f'model.head.num_classes={num_classes} but {where} has '
                f'{len(classes)} classes; set model.head.num_classes='
                f'{len(classes)} (and data_preprocessor.num_classes)')

    @staticmethod
    def _check_labels(model, dataset, where: str) -> None:
        num_classes = getattr(getattr(model, 'head', None), 'num_classes',
                              None)
        get_labels = getattr(dataset, 'get_gt_labels', None)
        if num_classes is None or get_labels is None:
            return
        try:
            labels = torch.as_tensor(get_labels()).flatten()
        except (TypeError, ValueError, KeyError, IndexError):
            return  # multi-label or unusual datasets: not checked here
        if labels.numel() == 0:
            return
        bad = labels[(labels < 0) | (labels >= int(num_classes))]
        if bad.numel():
            idx = int(((labels < 0) | (labels >= int(num_classes))).nonzero(
            )[0])
            raise ValueError(
                f'{where}: sample {idx} has label {int(bad[0])}, outside '
                f'[0, {num_classes}) for model.head.num_classes='
                f'{num_classes} ({bad.numel()} such labels); fix the '
                'annotation file or set model.head.num_classes (and '
                'data_preprocessor.num_classes)')

    @staticmethod
    def _check_channels(model, dataloader, where: str, phase: str) -> None:
        backbone = getattr(model, 'backbone', None)
        expected = _first_conv_in_channels(backbone) if backbone else None
        if expected is None:
            return
        batch = dataloader.collate_fn([dataloader.dataset[0]])
        with torch.no_grad():
            data = model.data_preprocessor(batch, False)
        inputs = data['inputs']
        if not isinstance(inputs, torch.Tensor) or inputs.dim() != 4:
            return
        got = inputs.size(1)
        if got != expected:
            kind = {1: 'grayscale (1 channel)', 3: 'RGB (3 channels)'}.get(
                got, f'{got}-channel')
            if got == 1:
                fix = ('set model.backbone.in_channels=1 (and a 1-value '
                       'data_preprocessor mean/std), or load the images as '
                       "colour (LoadImageFromFile color_type='color')")
            else:
                fix = (f'set model.backbone.in_channels={got} or convert '
                       f'the images to {expected} channels')
            raise ValueError(
                f'{where} gives {kind} images but the backbone expects '
                f'{expected} input channels; {fix}')
