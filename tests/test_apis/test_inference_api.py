"""Python API: init_model + inference_model on a trained tiny checkpoint,
from numpy images (single and batched)."""
import os.path as osp

import numpy as np

from sumix_ext.apis import inference_model, init_model
from tests.conftest import tiny_fmnist_cfg_options
from tests.test_apis.test_bad_inputs import (  # noqa: F401  (fixtures)
    TRAIN, _fast_config_text, data)
from tests.test_reliability.utils import DEMO


def test_init_and_predict(data, tmp_path):
    from mmengine.config import DictAction

    from sumix_ext.datasets import read_idx
    work = str(tmp_path / 'w')
    opts = tiny_fmnist_cfg_options(data, work, epochs=1)
    TRAIN.main([DEMO] + opts)
    options = {k: DictAction._parse_iterable(v)
               for k, v in (o.split('=', 1) for o in opts[3:])}
    model = init_model(DEMO, osp.join(work, 'epoch_1.pth'), 'cpu', options)
    imgs = read_idx(osp.join(data, 't10k-images-idx3-ubyte'))[:3]
    res = inference_model(model, [im for im in imgs], batch_size=2)
    assert len(res) == 3
    for r in res:
        assert 0 <= r['pred_label'] < 10 and 0 < r['pred_score'] <= 1
        assert np.isclose(np.sum(r['pred_scores']), 1, atol=1e-4)
        assert isinstance(r['pred_class'], str)
    one = inference_model(model, imgs[0])
    assert one[0]['pred_label'] == res[0]['pred_label']
