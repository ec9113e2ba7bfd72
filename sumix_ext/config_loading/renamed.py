"""Configs renamed to the naming scheme of ``configs/README.md``
(``<backbone>_<mixer>[-sumix]_<gpus>xb<batch>-<epochs>e_<dataset>.py``) on
2026-12-02: old path -> new path. A command line naming an old file is told
the new name; run folders and study reports written under an old name are
read as the new one (:func:`current_config`)."""
import os.path as osp
from typing import Optional

_FM = 'configs/fashion_mnist'
_STUDY = _FM + '/study'
_TTA = _FM + '/tta'
_CUSTOM = 'configs/custom'
#: (folder, old file name, new file name)
_RENAMES = [
    (_FM,
     'resnet18-w16_cutmix-sumix_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix_fmnist-demo.py',
     'resnet18-w16_cutmix_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-oracle_fmnist-demo.py',
     'resnet18-w16_cutmix-oracle_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-cam_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-cam_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-gamma0_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-gamma0_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-regscale1_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-regscale1_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-retention_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-retention_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-saliency_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-saliency_1xb64-4e_fmnist.py'),
    (_FM,
     'resnet18-w16_cutmix-sumix-scaled_fmnist-demo.py',
     'resnet18-w16_cutmix-sumix-scaled_1xb64-4e_fmnist.py'),
    (_TTA,
     'resnet18-w16_cutmix-sumix_fmnist-demo_flip-tta.py',
     'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist_flip-tta.py'),
    (_STUDY,
     'resnet18-w16_fmnist-1k-100e_study.py',
     'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py'),
    (_STUDY,
     'resnet18-w16_fmnist-small-1k-100e_study.py',
     'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-small-1k-study.py'),
    (_STUDY,
     'resnet18-w16_cutmix_fmnist-clutter-1k-100e_study.py',
     'resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py'),
    (_STUDY,
     'resnet18-w16_cutmix-oracle_fmnist-1k-100e_study.py',
     'resnet18-w16_cutmix-oracle_1xb64-100e_fmnist-1k-study.py'),
    (_STUDY,
     'resnet18-w16_cutmix-oracle_fmnist-small-1k-100e_study.py',
     'resnet18-w16_cutmix-oracle_1xb64-100e_fmnist-small-1k-study.py'),
    (_STUDY,
     'resnet18-w8_fmnist-study.py',
     'resnet18-w8_cutmix-sumix_1xb64-4e_fmnist-4k-study.py'),
    (_STUDY,
     'vit-tiny-p4_cutmix_fmnist-clutter-1k-100e_study.py',
     'vit-tiny-p4_cutmix-sumix_1xb64-100e_fmnist-clutter-1k-study.py'),
    (_STUDY,
     'vit-tiny-p4_cutmix_fmnist-small-1k-100e_study.py',
     'vit-tiny-p4_cutmix-sumix_1xb64-100e_fmnist-small-1k-study.py'),
    (_CUSTOM,
     'resnet18_cutmix-sumix_custom-folder.py',
     'resnet18_cutmix-sumix_1xb32-30e_custom-folder.py'),
    (_CUSTOM,
     'resnet18_cutmix-sumix_custom-folder-grey.py',
     'resnet18_cutmix-sumix_1xb32-30e_custom-folder-grey.py'),
]
RENAMED_CONFIGS = {f'{d}/{old}': f'{d}/{new}' for d, old, new in _RENAMES}
_BY_NAME = {osp.basename(a): osp.basename(b)
            for a, b in RENAMED_CONFIGS.items()}


def current_config(path: str) -> str:
    """``path`` with an old config file name replaced by its new name (also
    inside the study tool's ``oracle_<config>`` leaves); other paths
    unchanged."""
    folder, name = osp.split(path)
    prefix = 'oracle_' if name.startswith('oracle_') else ''
    new = _BY_NAME.get(name[len(prefix):])
    return osp.join(folder, prefix + new) if new else path


def renamed_hint(path: str) -> Optional[str]:
    """'; this config was renamed to <new path>' when ``path`` names a
    renamed config, else None."""
    new = current_config(path)
    return None if new == path else f'; this config was renamed to {new}'
