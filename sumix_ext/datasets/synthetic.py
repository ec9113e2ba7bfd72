"""Synthetic stand-ins written in a benchmark's real on-disk layout, for
tests and for timing a data pipeline where the real data is absent (never
for accuracy numbers)."""
import os
import os.path as osp
import pickle

import numpy as np


def write_cifar100(root: str, n_train: int = 20, n_test: int = 10,
                   seed: int = 0) -> str:
    """``<root>/cifar-100-python/{train,test,meta}`` python pickles with
    random 32x32 RGB images (labels ``7 i mod 100``).

    Args:
        root (str): Folder to write (``data_root`` of ``LocalCIFAR100``).
        n_train (int): Training images.
        n_test (int): Test images.
        seed (int): Pixel RNG seed.

    Returns:
        str: ``root``.
    """
    folder = osp.join(root, 'cifar-100-python')
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name, n in (('train', n_train), ('test', n_test)):
        fine = [int(i) for i in np.arange(n) * 7 % 100]
        entry = {
            'filenames': [f'img_{i}.png' for i in range(n)],
            'fine_labels': fine,
            'coarse_labels': [f // 5 for f in fine],
            'data': rng.integers(0, 256, (n, 3072), dtype=np.uint8),
        }
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(entry, f)
    with open(osp.join(folder, 'meta'), 'wb') as f:
        pickle.dump({'fine_label_names': [f'c{i}' for i in range(100)],
                     'coarse_label_names': [f'g{i}' for i in range(20)]}, f)
    return root


def write_imagenet(root: str, n_train: int = 6, n_val: int = 3,
                   size=(16, 16), noise: bool = False, seed: int = 0) -> str:
    """``{train,val}/`` JPEG folders + ``meta/{train,val}.txt`` (labels
    ``333 i mod 1000``).

    Args:
        root (str): Folder to write (``data_root`` of ``LocalImageNet``).
        n_train (int): Training images.
        n_val (int): Validation images.
        size (tuple[int, int]): ``(height, width)`` of every image; ImageNet
            averages about 400 x 350.
        noise (bool): Textured (noise + gradient) images, which compress and
            decode like photos; else flat images (tiny files, for tests).
        seed (int): Pixel RNG seed.

    Returns:
        str: ``root``.
    """
    from PIL import Image
    rng = np.random.default_rng(seed)
    h, w = size
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    ramp = np.linspace(0, 255, w, dtype=np.float32)[None, :, None]
    for split, n in (('train', n_train), ('val', n_val)):
        lines = []
        for i in range(n):
            label = (i * 333) % 1000
            rel = (f'n{label:08d}/img_{i}.JPEG'
                   if split == 'train' else f'ILSVRC2012_val_{i:08d}.JPEG')
            path = osp.join(root, split, rel)
            os.makedirs(osp.dirname(path), exist_ok=True)
            if noise:
                arr = (0.5 * ramp + 0.5 * rng.integers(
                    0, 256, (h, w, 3))).astype(np.uint8)
            else:
                arr = np.full((h, w, 3), i % 256, dtype=np.uint8)
            Image.fromarray(arr).save(path, format='JPEG', quality=90)
            lines.append(f'{rel} {label}')
        with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root
