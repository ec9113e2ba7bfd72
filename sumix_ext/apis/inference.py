"""Python API: build a model from one of our configs, load a checkpoint and
predict on images (mmpretrain's ``get_model`` / ``inference_model`` style).

Example::

    from sumix_ext.apis import inference_model, init_model
    model = init_model('configs/fashion_mnist/resnet18-w16_cutmix-sumix_'
                       '1xb64-4e_fmnist.py', 'work_dirs/.../epoch_4.pth')
    results = inference_model(model, ['shoe.png', numpy_image])
    results[0]['pred_class'], results[0]['pred_score']
"""
from typing import List, Optional, Sequence, Union

import numpy as np
import torch


def init_model(config: str, checkpoint: Optional[str] = None,
               device: Optional[str] = None,
               cfg_options: Optional[dict] = None,
               allow_partial: bool = False,
               unsafe_load: bool = False) -> torch.nn.Module:
    """A classifier from ``config`` with ``checkpoint`` loaded, in eval mode.

    The checkpoint must fit the model (``allow_partial=True`` to load what
    fits); see :mod:`sumix_ext.engine.checkpoint_match`.

    Args:
        config (str): Config file (ours or any mmpretrain classifier's).
        checkpoint (str, optional): ``.pth`` file; None keeps the init.
        device (str, optional): ``'cuda'`` if available else ``'cpu'``.
        cfg_options (dict, optional): Overrides, as ``--cfg-options``.
        allow_partial (bool): Accept a checkpoint that fits in part.
        unsafe_load (bool): Allow full unpickling of this checkpoint only
            (a file you trust that ``weights_only`` refuses); later loads
            are safe again.

    Returns:
        nn.Module: The model (with its config, for :func:`inference_model`).
    """
    from ..compat import unsafe_load_scope
    from ..evaluation.inference import (default_device, init_classifier,
                                        load_eval_config)
    cfg = load_eval_config(config, cfg_options)
    with unsafe_load_scope(unsafe_load):
        return init_classifier(cfg, checkpoint, device or default_device(),
                               allow_partial)


def inference_model(model: torch.nn.Module,
                    images: Union[str, np.ndarray, Sequence],
                    batch_size: int = 1) -> List[dict]:
    """Predict on image files or ``HxW[xC]`` uint8 arrays with the config's
    test pipeline (mmpretrain's ``ImageClassificationInferencer``). Files
    are read as colour images, so for the grey Fashion-MNIST configs pass
    ``HxW`` arrays.

    Args:
        model (nn.Module): From :func:`init_model`.
        images (str | np.ndarray | Sequence): One image or a list.
        batch_size (int): Images per forward pass.

    Returns:
        list[dict]: Per image ``pred_label``, ``pred_score``, ``pred_scores``
        and ``pred_class`` (when the dataset names its classes).
    """
    from mmpretrain.apis import ImageClassificationInferencer
    single = isinstance(images, (str, np.ndarray))
    inputs = [images] if single else list(images)
    inferencer = ImageClassificationInferencer(model)
    return inferencer(inputs, batch_size=batch_size)
