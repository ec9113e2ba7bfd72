"""Synthetic batches shaped by a config's own train/test pipelines."""
import numpy as np
import torch
from mmengine.config import Config
from mmpretrain.registry import TRANSFORMS

# raw decoded image of each dataset type (H, W[, C]); file datasets get a
# typical photo size and go through the config's resize/crop transforms
RAW_SHAPE = {
    'LocalFashionMNIST': (28, 28),
    'LocalCIFAR100': (32, 32, 3),
    'TinyImageNet': (64, 64, 3),
    'LocalImageNet': (300, 400, 3),
    'LocalCUB': (300, 400, 3),
    'LocalFGVCAircraft': (300, 400, 3),
    'LocalStanfordCars': (300, 400, 3),
    'CustomDataset': (120, 160, 3),
}


def _pipeline(transforms):
    steps = [TRANSFORMS.build(t) for t in transforms
             if t['type'] != 'LoadImageFromFile']

    def run(results):
        for step in steps:
            results = step(results)
        return results

    return run


def synthetic_batch(cfg: Config, n: int = 2, split: str = 'train',
                    seed: int = 0) -> dict:
    """``n`` random images of the config's dataset, through its pipeline.

    Args:
        cfg (Config): A full (merged) config.
        n (int): Batch size.
        split (str): ``'train'`` or ``'val'`` pipeline.
        seed (int): RNG seed for the pixels.

    Returns:
        dict: ``inputs`` (list of uint8 ``(C, H, W)`` tensors) and
        ``data_samples``, as a dataloader gives them to ``train_step``.
    """
    dataset = cfg[f'{split}_dataloader']['dataset']
    shape = RAW_SHAPE[dataset['type']]
    load = [t for t in dataset['pipeline'] if t['type'] == 'LoadImageFromFile']
    if load and load[0].get('color_type') == 'grayscale':
        shape = shape[:2]
    num_classes = cfg.model.head.num_classes
    run = _pipeline(dataset['pipeline'])
    rng = np.random.default_rng(seed)
    inputs, samples = [], []
    for i in range(n):
        img = rng.integers(0, 256, shape, dtype=np.uint8)
        packed = run(dict(img=img, img_shape=shape[:2], ori_shape=shape[:2],
                          gt_label=(7 * i) % num_classes, sample_idx=i))
        inputs.append(packed['inputs'])
        samples.append(packed['data_samples'])
    return dict(inputs=inputs, data_samples=samples)


def build_model(cfg: Config) -> torch.nn.Module:
    """Build ``cfg.model`` the way the runner does (top-level
    ``data_preprocessor`` merged in)."""
    from mmpretrain.registry import MODELS
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor') is not None:
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg)
