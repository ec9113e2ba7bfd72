"""One shared check for dataset folders: a missing file -> one clear line."""
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
