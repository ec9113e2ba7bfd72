"""Issue 20 item 1: the configs run under mmpretrain's own tools/train.py
(shipped in the installed package, as `mim train` runs it), unchanged."""
import glob
import os.path as osp

import mmpretrain
import pytest
from mmengine.config import Config

from tests.conftest import REPO, run_tool

STOCK_TRAIN = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'tools',
                       'train.py')
STOCK_TEST = STOCK_TRAIN.replace('train.py', 'test.py')


def test_no_config_asks_for_persistent_workers_without_workers():
    """The stock tool turns persistent workers on unless a loader says
    otherwise; PyTorch refuses that with num_workers=0."""
    for path in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                          recursive=True):
        if '_base_' in path.split(osp.sep):
            continue
        cfg = Config.fromfile(path, import_custom_modules=False)
        for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            loader = cfg.get(key)
            if loader and loader.get('num_workers', 0) == 0:
                assert loader.get('persistent_workers') is False, (path, key)


@pytest.mark.skipif(not osp.isfile(STOCK_TRAIN),
                    reason="mmpretrain's .mim tools are not installed")
@pytest.mark.parametrize('config,tta', [
    ('fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py', True),
    ('fashion_mnist/study/resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-'
     'clutter-1k-study.py', False),
])
def test_stock_train_tool_trains_our_config(fmnist_root, tmp_path, config,
                                            tta):
    opts = [f'{k}.dataset.data_root={fmnist_root}' for k in (
        'train_dataloader', 'val_dataloader', 'test_dataloader')]
    opts += ['train_dataloader.dataset.indices=None',
             'val_dataloader.dataset.index_range=None',
             'train_cfg.max_epochs=1', 'train_cfg.val_begin=1',
             'model.backbone.stem_channels=4',
             'model.backbone.base_channels=4', 'model.head.in_channels=32']
    proc = run_tool([STOCK_TRAIN, osp.join(REPO, 'configs', config),
                     '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                     *opts], timeout=300)
    assert 'Epoch(val) [1]' in proc.stdout + proc.stderr
    assert osp.isfile(tmp_path / 'w' / 'epoch_1.pth')
    if tta:  # and the stock test tool, with the demo's TTA config
        # (the stock tool merges --cfg-options after wrapping the model in
        # the TTA model: model options go to model.module)
        tta_opts = [o.replace('model.', 'model.module.', 1)
                    if o.startswith('model.') else o for o in opts]
        tta_config = osp.join(REPO, 'configs', 'fashion_mnist', 'tta',
                              'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist_'
                              'flip-tta.py')  # its tta_model / tta_pipeline
        test = run_tool([STOCK_TEST, tta_config,
                         str(tmp_path / 'w' / 'epoch_1.pth'), '--tta',
                         '--work-dir', str(tmp_path / 't'), '--cfg-options',
                         *tta_opts], timeout=300)
        assert 'accuracy/top1' in test.stdout + test.stderr
        assert osp.isfile(tta_config)


# What mmpretrain's tools do with a config before sumix_ext is imported:
# Config.fromfile merges the child with its bases, then runs custom_imports.
_STOCK_LOAD = ('import sys; from mmengine.config import Config; '
               'assert "sumix_ext" not in sys.modules; '
               'cfg = Config.fromfile(sys.argv[1]); '
               'print("SUMIX", cfg.model.get("sumix")); '
               'print("TYPE", cfg.model.type)')


def test_stock_loader_switches_sumix_on_over_an_off_base(tmp_path):
    """Issue 20 item 4 under the stock tools: they merge before our merge
    fix is imported, so the README's stock-tool line (``_delete_=True``)
    must switch SUMix on with MMEngine alone."""
    base = osp.join(REPO, 'configs', 'fashion_mnist',
                    'resnet18-w16_cutmix_1xb64-4e_fmnist.py')
    assert Config.fromfile(base, import_custom_modules=False).model.sumix \
        is None
    child = tmp_path / 'child.py'
    child.write_text(f'_base_ = [{base!r}]\n'
                     "model = dict(sumix=dict(_delete_=True, "
                     "type='SUMixLoss', ratio='saliency'))\n")
    out = run_tool(['-c', _STOCK_LOAD, str(child)]).stdout
    assert "SUMIX {'type': 'SUMixLoss', 'ratio': 'saliency'}" in out


def test_stock_loader_adds_sumix_to_a_stock_mixup_config(tmp_path):
    """Issue 20 item 5 under the stock tools: the README's two lines
    (``custom_imports`` + one ``model`` override) load with MMEngine alone
    and import sumix_ext, so the model builds."""
    child = tmp_path / 'child.py'
    child.write_text(
        "_base_ = ['mmpretrain::resnet/resnet50_8xb16-mixup_cifar10.py']\n"
        "custom_imports = dict(imports=['sumix_ext'], "
        "allow_failed_imports=False)\n"
        "model = dict(type='MixupClassifier', sumix=dict(type='SUMixLoss'))"
        '\n')
    code = _STOCK_LOAD + ('; from mmpretrain.registry import MODELS; '
                          'cfg.model.backbone.depth = 18; '
                          'cfg.model.head.in_channels = 512; '
                          'm = MODELS.build(cfg.model); '
                          'print("BUILT", type(m.mixer).__name__, '
                          'type(m.head).__name__)')
    out = run_tool(['-c', code, str(child)]).stdout
    assert 'TYPE MixupClassifier' in out
    assert 'BUILT BatchMixup SUMixHead' in out


def test_mmpretrain_bases_resolve(tmp_path):
    """Issue 20 item 2: `mmpretrain::` bases need pkg_resources (MMEngine
    0.10.x); requirements.txt keeps a setuptools that ships it."""
    from sumix_ext.apis import load_config
    cfg = tmp_path / 'child.py'
    cfg.write_text("_base_ = ['mmpretrain::resnet/resnet18_8xb16_cifar10.py']"
                   '\n')
    assert load_config(str(cfg)).model.backbone.type == 'ResNet_CIFAR'
