"""Shared dataset checks: a missing file -> one clear line; a ``test_mode``
that contradicts the split -> one clear line."""
import os.path as osp
from typing import Sequence


class DatasetLayoutError(FileNotFoundError):
    """A dataset root is missing or not in its expected layout.

    The message is a single line naming the dataset, the path tried, the
    expected layout and where to get the data.
    """


def check_layout(dataset: str, data_root: str, required: Sequence[str],
                 layout: str, source: str) -> None:
    """Raise :class:`DatasetLayoutError` unless every required path exists.

    Args:
        dataset (str): Human name, e.g. ``'CIFAR-100'``.
        data_root (str): The dataset root from the config.
        required (Sequence[str]): Paths relative to ``data_root`` (files or
            folders) that must exist, checked in order.
        layout (str): One-line sketch of the expected layout, e.g.
            ``'<data_root>/cifar-100-python/{train,test,meta}'``.
        source (str): Where to get the data (URL + what to extract where).

    Raises:
        DatasetLayoutError: For the first missing path (or the root itself).
    """
    root = osp.expanduser(str(data_root))
    if not osp.isdir(root):
        missing = root
    else:
        missing = next((osp.join(root, rel) for rel in required
                        if not osp.exists(osp.join(root, rel))), None)
    if missing is None:
        return
    raise DatasetLayoutError(
        f'{dataset}: {missing!r} not found (data_root={root!r}); expected '
        f'layout: {layout}; get it from {source}, or set the dataset\'s '
        'data_root (e.g. --cfg-options '
        'train_dataloader.dataset.data_root=...)')


def pop_split_test_mode(dataset: str, split: str, kwargs: dict) -> None:
    """Drop a ``test_mode`` that agrees with the split from ``kwargs``.

    mmpretrain's split-based datasets (``FGVCAircraft``, ``StanfordCars``)
    set ``test_mode`` from ``split`` themselves and reject it as an
    argument; a shared config piece may still pass it, so it is accepted
    when it agrees (True only for ``'test'``) and named otherwise.

    Args:
        dataset (str): Class name for the message.
        split (str): The dataset split.
        kwargs (dict): The remaining constructor arguments (changed in
            place).

    Raises:
        ValueError: ``test_mode`` disagrees with ``split``.
    """
    test_mode = kwargs.pop('test_mode', split == 'test')
    if test_mode != (split == 'test'):
        raise ValueError(f'{dataset}: test_mode follows the split (True only '
                         f"for 'test'), got test_mode={test_mode} with "
                         f'split={split!r}')
