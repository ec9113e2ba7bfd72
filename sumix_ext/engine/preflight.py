"""The pre-flight data checks' messages, shared by the runner (which meets
an empty dataset first, while building the dataloader) and
:class:`~sumix_ext.engine.hooks.SanityCheckHook` (before the first step)."""


def empty_dataset(where: str) -> ValueError:
    """0 samples: ``where`` names the dataset (type, data_root, split)."""
    return ValueError(f'{where} is empty (0 samples); check data_root, the '
                      'split/annotation file and any `indices` subset')


def fewer_than_one_batch(where: str, n: int, batch_size: int,
                         phase: str = 'train') -> ValueError:
    """Fewer samples than one batch with ``drop_last=True``."""
    return ValueError(
        f'{where} has {n} samples, fewer than one batch of {batch_size} with '
        'drop_last=True, so no training step would run; lower '
        f'{phase}_dataloader.batch_size or add data')
