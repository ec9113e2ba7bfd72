"""Images per second of a config's training data pipeline (decode,
augment, collate): does the loader keep a GPU fed?"""
import os
import time
from typing import Optional

from mmengine.config import Config


def pipeline_throughput(cfg: Config, num_workers: int, batches: int = 20,
                        warmup: int = 2,
                        data_root: Optional[str] = None) -> dict:
    """Time ``batches`` batches of ``cfg.train_dataloader``.

    Args:
        cfg (Config): A merged config.
        num_workers (int): DataLoader workers (0 = in this process).
        batches (int): Timed batches.
        warmup (int): Untimed batches first (worker start-up, caches).
        data_root (str, optional): Override the dataset's ``data_root``.

    Returns:
        dict: ``images_per_s`` (wall clock), ``cpu_images_per_s`` (images
        per CPU-second of this process; with ``num_workers=0`` that is one
        core's rate, robust to other load), ``batch_size``, ``num_workers``,
        ``batches``.
    """
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    loader_cfg = cfg.train_dataloader.copy()
    loader_cfg['dataset'] = loader_cfg['dataset'].copy()
    if data_root is not None:
        loader_cfg['dataset']['data_root'] = data_root
    loader_cfg['num_workers'] = int(num_workers)
    loader_cfg['persistent_workers'] = num_workers > 0
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    if len(loader) < warmup + batches:
        raise ValueError(f'the dataset gives {len(loader)} batches; need '
                         f'{warmup + batches} (fewer --batches or more data)')
    it = iter(loader)
    for _ in range(warmup):
        next(it)
    images = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(batches):
        images += len(next(it)['data_samples'])
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return dict(images_per_s=images / wall,
                cpu_images_per_s=images / cpu if cpu > 0 else None,
                batch_size=loader.batch_size, num_workers=num_workers,
                batches=batches, cores=os.cpu_count())
