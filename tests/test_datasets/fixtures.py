"""Tiny datasets written in each benchmark's real on-disk layout."""
import os
import os.path as osp
from typing import Dict

import numpy as np
from PIL import Image

from sumix_ext.datasets.synthetic import write_cifar100, write_imagenet


def _jpeg(path: str, size: int = 16, value: int = 0) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    arr = np.full((size, size, 3), value % 256, dtype=np.uint8)
    Image.fromarray(arr).save(path, format='JPEG')


def make_cifar100(root: str, n_train: int = 20, n_test: int = 10) -> str:
    """``<root>/cifar-100-python/{train,test,meta}`` python pickles."""
    return write_cifar100(root, n_train, n_test)


def make_tiny_imagenet(root: str, n_classes: int = 3, per_class: int = 2,
                       n_val: int = 4) -> Dict[str, str]:
    """``wnids.txt``, ``train/<wnid>/images/*.JPEG``, ``val/images`` +
    ``val/val_annotations.txt`` (64x64 images). Returns wnid -> class id
    in sorted order."""
    wnids = [f'n{9000000 - i:08d}' for i in range(n_classes)]  # unsorted
    os.makedirs(root, exist_ok=True)
    with open(osp.join(root, 'wnids.txt'), 'w') as f:
        f.write('\n'.join(wnids) + '\n')
    for c, wnid in enumerate(wnids):
        for k in range(per_class):
            _jpeg(osp.join(root, 'train', wnid, 'images',
                           f'{wnid}_{k}.JPEG'), 64, c)
        with open(osp.join(root, 'train', wnid, f'{wnid}_boxes.txt'),
                  'w') as f:
            f.write('')
    lines = []
    for k in range(n_val):
        wnid = wnids[k % n_classes]
        _jpeg(osp.join(root, 'val', 'images', f'val_{k}.JPEG'), 64, k)
        lines.append(f'val_{k}.JPEG\t{wnid}\t0\t0\t63\t63')
    with open(osp.join(root, 'val', 'val_annotations.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return {w: i for i, w in enumerate(sorted(wnids))}


def make_imagenet(root: str, n_train: int = 6, n_val: int = 3) -> str:
    """``{train,val}/`` image folders + ``meta/{train,val}.txt``."""
    return write_imagenet(root, n_train, n_val)


def make_cub(root: str, n: int = 6) -> str:
    """``images/<class>/*.jpg`` + ``images.txt``, ``image_class_labels.txt``
    and ``train_test_split.txt`` (odd ids train, even ids test)."""
    images, labels, split = [], [], []
    for i in range(1, n + 1):
        cls = 1 + (i * 37) % 200
        rel = f'{cls:03d}.Bird_{cls}/Bird_{i}.jpg'
        _jpeg(osp.join(root, 'images', rel), 16, i)
        images.append(f'{i} {rel}')
        labels.append(f'{i} {cls}')
        split.append(f'{i} {i % 2}')
    for name, lines in (('images.txt', images),
                        ('image_class_labels.txt', labels),
                        ('train_test_split.txt', split)):
        with open(osp.join(root, name), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root


def make_fgvc_aircraft(root: str, classes, n_trainval: int = 4,
                       n_test: int = 2) -> str:
    """``data/images/*.jpg`` + ``data/images_variant_<split>.txt``."""
    data = osp.join(root, 'data')
    counter = 1000000
    for split, n in (('trainval', n_trainval), ('test', n_test)):
        lines = []
        for i in range(n):
            counter += 1
            _jpeg(osp.join(data, 'images', f'{counter}.jpg'), 16, i)
            lines.append(f'{counter} {classes[(i * 11) % len(classes)]}')
        with open(osp.join(data, f'images_variant_{split}.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return root


def make_stanford_cars(root: str, layout: str = 'annos',
                       n_train: int = 4, n_test: int = 3) -> str:
    """Either official layout: ``cars_annos.mat`` + ``car_ims/`` or
    ``cars_{train,test}/`` + ``devkit/*.mat`` (labels 1..196 in files)."""
    import mat4py
    if layout == 'annos':
        paths, classes, test = [], [], []
        for i in range(n_train + n_test):
            rel = f'car_ims/{i + 1:06d}.jpg'
            _jpeg(osp.join(root, rel), 16, i)
            paths.append(rel)
            classes.append(1 + (i * 50) % 196)
            test.append(int(i >= n_train))
        mat4py.savemat(osp.join(root, 'cars_annos.mat'), {
            'annotations': {'relative_im_path': paths, 'class': classes,
                            'test': test}})
        return root
    os.makedirs(osp.join(root, 'devkit'), exist_ok=True)
    for split, n, ann in (('train', n_train, 'cars_train_annos.mat'),
                          ('test', n_test,
                           'cars_test_annos_withlabels.mat')):
        names = [f'{i + 1:05d}.jpg' for i in range(n)]
        for i, name in enumerate(names):
            _jpeg(osp.join(root, f'cars_{split}', name), 16, i)
        mat4py.savemat(osp.join(root, 'devkit', ann), {
            'annotations': {'fname': names,
                            'class': [1 + (i * 60) % 196 for i in range(n)]}})
    return root
