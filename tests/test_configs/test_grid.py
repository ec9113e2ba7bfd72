"""The benchmark grid: complete, minimal leaves, the paper's protocols."""
import os.path as osp

import pytest

from .common import (ARCHS, BENCHMARKS, CONFIG_ROOT, GRID_TAGS, METHOD_TAG,
                     grid_configs, method_configs,
                     load, rel)

GAMMA = dict(cifar100=0.5, tiny_imagenet=1.0, imagenet=0.5, cub200=0.5,
             aircraft=0.5, stanford_cars=0.5)
MIXERS = dict(
    cutmix=dict(type='BatchCutMix', alpha=0.2),
    saliencymix=dict(type='BatchSaliencyMix', alpha=0.2),
    fmix=dict(type='BatchFMix', alpha=0.2, decay_power=3, max_soft=0.0),
    resizemix=dict(type='BatchResizeMix', alpha=1.0, scope=(0.1, 0.8),
                   use_alpha=True),
    mixup=dict(type='BatchMixup', alpha=1.0),
)
GROUPS = [(folder, arch) for folder in BENCHMARKS for arch in ARCHS[folder]]


def _grid(folder, arch):
    found = {}
    for path in grid_configs(folder):
        name = osp.basename(path)
        if name.startswith(arch + '_'):
            found[name.split('_')[1]] = path
    return found


# OpenMixup's CIFAR-100 ResNeXt-50 protocol: wd 5e-4 for the cutting
# mixers, 1e-4 for vanilla and Mixup (the only non-mixer difference)
CUTTING_WD = {('cifar100', 'resnext50'): (5e-4, 1e-4)}


def _without_mix(cfg):
    d = cfg.to_dict()
    d['model'].pop('mixer', None)
    d['model'].pop('sumix', None)
    d['optim_wrapper']['optimizer'].pop('weight_decay')
    return d


@pytest.mark.parametrize('folder', BENCHMARKS)
def test_every_benchmark_folder_holds_exactly_its_grid(folder):
    names = {osp.basename(p) for p in grid_configs(folder)}
    expected = {osp.basename(p) for arch in ARCHS[folder]
                for p in _grid(folder, arch).values()}
    assert names == expected  # no stray file outside an arch grid
    assert len(names) == 10 * len(ARCHS[folder])
    for path in method_configs(folder):  # beside the grid: methods only
        arch, tag = osp.basename(path).split('_')[:2]
        assert arch in ARCHS[folder] and METHOD_TAG.match(tag), path


@pytest.mark.parametrize('folder,arch', GROUPS,
                         ids=[f'{f}-{a}' for f, a in GROUPS])
def test_grid_leaves_change_only_mixer_and_sumix(folder, arch):
    grid = _grid(folder, arch)
    assert sorted(grid) == sorted(GRID_TAGS)
    root = load(grid['cutmix-sumix'])
    reference = _without_mix(root)
    cutting_wd, other_wd = CUTTING_WD.get(
        (folder, arch), (root.optim_wrapper.optimizer.weight_decay, ) * 2)
    for tag, path in grid.items():
        cfg = load(path)
        assert _without_mix(cfg) == reference, rel(path)
        assert cfg.optim_wrapper.optimizer.weight_decay == (
            other_wd if tag in ('vanilla', 'mixup') else cutting_wd), rel(path)
        mixer, sumix = cfg.model.mixer, cfg.model.sumix
        if tag == 'vanilla':
            assert mixer is None and sumix is None
            continue
        base_tag = tag.replace('-sumix', '')
        assert mixer == MIXERS[base_tag], rel(path)
        if tag.endswith('-sumix'):
            assert sumix == dict(type='SUMixLoss', gamma=GAMMA[folder],
                                 lam_reduction='batch'), rel(path)
        else:
            assert sumix is None, rel(path)


def _root(folder, arch):
    return load(_grid(folder, arch)['cutmix-sumix'])


# (folder, arch): batch/GPU, optimizer (type, lr, weight decay), epochs,
# backbone type, classes, train crop transform
PROTOCOL = {
    ('cifar100', 'resnet18'): (100, 'SGD', 0.1, 1e-4, 800, 'ResNet_CIFAR',
                               100),
    ('cifar100', 'resnext50'): (100, 'SGD', 0.1, 5e-4, 800, 'ResNeXt_CIFAR',
                                100),
    ('cifar100', 'wrn28-8'): (100, 'SGD', 0.03, 1e-3, 400,
                              'WideResNet_CIFAR', 100),
    ('cifar100', 'deit-small'): (100, 'AdamW', 1e-3, 0.05, 200,
                                 'VisionTransformer', 100),
    ('cifar100', 'swin-tiny'): (100, 'AdamW', 5e-4, 0.05, 200,
                                'SwinTransformer', 100),
    ('tiny_imagenet', 'resnet18'): (100, 'SGD', 0.2, 1e-4, 400,
                                    'ResNet_CIFAR', 200),
    ('tiny_imagenet', 'resnext50'): (100, 'SGD', 0.2, 1e-4, 400,
                                     'ResNeXt_CIFAR', 200),
    ('imagenet', 'resnet18'): (64, 'SGD', 0.1, 1e-4, 100, 'ResNet', 1000),
}
for _folder, _classes in (('cub200', 200), ('aircraft', 100),
                          ('stanford_cars', 196)):
    PROTOCOL[(_folder, 'resnet18')] = (16, 'SGD', 0.001, 5e-4, 200,
                                       'ResNet', _classes)
    PROTOCOL[(_folder, 'resnext50')] = (16, 'SGD', 0.001, 5e-4, 200,
                                        'ResNeXt', _classes)


@pytest.mark.parametrize('folder,arch', GROUPS,
                         ids=[f'{f}-{a}' for f, a in GROUPS])
def test_root_follows_the_paper_protocol(folder, arch):
    cfg = _root(folder, arch)
    batch, opt, lr, wd, epochs, backbone, classes = PROTOCOL[(folder, arch)]
    assert cfg.train_dataloader.batch_size == batch
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.weight_decay) == (opt, lr,
                                                                      wd)
    if opt == 'SGD':
        assert optimizer.momentum == 0.9
    assert cfg.train_cfg.max_epochs == epochs
    # every epoch is validated: the last 10 give the reported median
    assert cfg.train_cfg.val_interval == 1
    cosine = cfg.param_scheduler[-1]
    assert cosine.type == 'CosineAnnealingLR'
    assert cosine.get('end', epochs) == epochs
    assert cosine.eta_min == (1e-6 if opt == 'AdamW' else 0.0)
    assert cfg.model.backbone.type == backbone
    assert cfg.model.head.num_classes == classes
    assert cfg.data_preprocessor.num_classes == classes
    assert cfg.train_dataloader.dataset.type.startswith(('Local', 'Tiny'))
    if opt == 'AdamW':  # transformers: clip 5, 20 warm-up epochs
        assert cfg.optim_wrapper.clip_grad == dict(max_norm=5.0)
        warmup = cfg.param_scheduler[0]
        assert (warmup.type, warmup.end) == ('LinearLR', 20)
        kinds = [t['type'] for t in cfg.train_dataloader.dataset.pipeline]
        assert 'RandAugment' in kinds and 'RandomErasing' in kinds
    if folder in ('cub200', 'aircraft', 'stanford_cars'):
        init = cfg.model.backbone.init_cfg
        assert init.type == 'Pretrained'
        assert init.checkpoint.startswith('data/pretrained/')
        crop = cfg.train_dataloader.dataset.pipeline[2]
        assert crop == dict(type='RandomResizedCrop', scale=224,
                            crop_ratio_range=(0.5, 1.0))


def test_splits_of_each_benchmark():
    expect = dict(cifar100=('train', 'test'), tiny_imagenet=('train', 'val'),
                  imagenet=('train', 'val'), cub200=('train', 'test'),
                  aircraft=('trainval', 'test'),
                  stanford_cars=('train', 'test'))
    for folder, (train, test) in expect.items():
        cfg = _root(folder, ARCHS[folder][0])
        assert cfg.train_dataloader.dataset.split == train
        assert cfg.val_dataloader.dataset.split == test
        assert cfg.test_dataloader.dataset.split == test


def test_test_time_resize_and_crop():
    imagenet = _root('imagenet', 'resnet18').val_dataloader.dataset.pipeline
    assert imagenet[1:3] == [
        dict(type='ResizeEdge', scale=256, edge='short'),
        dict(type='CenterCrop', crop_size=224)
    ]
    for folder in ('cub200', 'aircraft', 'stanford_cars'):
        pipeline = _root(folder, 'resnet18').val_dataloader.dataset.pipeline
        assert [t['type'] for t in pipeline] == [
            'LoadImageFromFile', 'Resize', 'CenterCrop', 'PackInputs'
        ]
        assert pipeline[2]['crop_size'] == 224


def test_cifar_crop_is_pad4_reflect():
    cfg = _root('cifar100', 'resnet18')
    assert cfg.train_dataloader.dataset.pipeline[0] == dict(
        type='RandomCrop', crop_size=32, padding=4, padding_mode='reflect')


ABLATIONS = osp.join(CONFIG_ROOT, 'cifar100', 'ablations')
MAIN = 'resnet18_cutmix-sumix_1xb100-800e_cifar100.py'


@pytest.mark.parametrize('gamma', [0.1, 0.25, 1.0, 2.0])
def test_ablation_gamma_sweep(gamma):
    cfg = load(osp.join(ABLATIONS, f'resnet18_cutmix-sumix-gamma{gamma}_'
                        '1xb100-800e_cifar100.py'))
    assert cfg.model.sumix == dict(type='SUMixLoss', gamma=gamma,
                                   lam_reduction='batch')
    main = load(osp.join(CONFIG_ROOT, 'cifar100', MAIN))
    main.model.sumix.gamma = gamma
    assert cfg.to_dict() == main.to_dict()


def test_ablation_sample_reduction_alpha_and_sumix_off():
    sample = load(osp.join(ABLATIONS, 'resnet18_cutmix-sumix-sample_'
                           '1xb100-800e_cifar100.py'))
    assert sample.model.sumix.lam_reduction == 'sample'
    alpha = load(osp.join(ABLATIONS, 'resnet18_cutmix-a1.0-sumix_'
                          '1xb100-800e_cifar100.py'))
    assert alpha.model.mixer == dict(type='BatchCutMix', alpha=1.0)
    rand = load(osp.join(ABLATIONS, 'resnet18_randmix-sumix_'
                         '1xb100-800e_cifar100.py'))
    assert rand.model.mixer.type == 'RandomMixer'
    assert set(rand.model.mixer) == {'type', 'mixers', 'probs'}  # _delete_
    assert [m['type'] for m in rand.model.mixer.mixers] == [
        'BatchCutMix', 'BatchSaliencyMix', 'BatchFMix', 'BatchResizeMix'
    ]
    off = load(osp.join(ABLATIONS, 'resnet18_randmix-sumix-off_'
                        '1xb100-800e_cifar100.py'))
    assert off.model.sumix is None
    assert off.model.mixer == rand.model.mixer


def test_readme_maps_every_grid_config_and_names_only_real_ones():
    import re
    with open(osp.join(CONFIG_ROOT, 'README.md')) as f:
        text = f.read()
    named = {p for p in re.findall(r'`([\w-]+/[\w.-]+\.py)`', text)
             if p.split('/')[0] in BENCHMARKS}
    assert named, 'no config paths found in configs/README.md'
    missing = [p for p in named if not osp.isfile(osp.join(CONFIG_ROOT, p))]
    assert not missing
    grid = {rel(p) for folder in BENCHMARKS for p in grid_configs(folder)}
    assert grid <= named  # every grid cell is in the table-to-config map
    assert 'n/a (not found)' in text


RATIO_ABLATIONS = {
    'saliency': dict(ratio='saliency', blend=0.0, lam_reduction='sample'),
    'cam': dict(ratio='cam', blend=0.5, lam_reduction='sample'),
    'retention': dict(ratio='retention', eta=0.5, lam_reduction='sample'),
    'scaled': dict(ratio='scaled', tau=0.5, direction='paper',
                   lam_reduction='sample'),
    'regscale1': dict(reg_scale=1.0),
    'gamma0': dict(gamma=0.0),
}


@pytest.mark.parametrize('name', sorted(RATIO_ABLATIONS))
def test_ratio_ablations_change_only_sumix(name):
    """CIFAR-100 and Fashion-MNIST leaves of each SUMix ratio form: the
    root config with only model.sumix changed."""
    pairs = [
        (osp.join(ABLATIONS, f'resnet18_cutmix-sumix-{name}_1xb100-800e_'
                  'cifar100.py'), osp.join(CONFIG_ROOT, 'cifar100', MAIN)),
        (osp.join(CONFIG_ROOT, 'fashion_mnist', 'resnet18-w16_cutmix-sumix-'
                  f'{name}_1xb64-4e_fmnist.py'),
         osp.join(CONFIG_ROOT, 'fashion_mnist',
                  'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')),
    ]
    for leaf_path, root_path in pairs:
        leaf, root = load(leaf_path), load(root_path)
        root.model.sumix.update(RATIO_ABLATIONS[name])
        assert leaf.to_dict() == root.to_dict()


def test_oracle_configs_label_with_the_true_share():
    for path in ('fashion_mnist/resnet18-w16_cutmix-oracle_1xb64-4e_fmnist.py',
                 'fashion_mnist/study/resnet18-w16_cutmix-oracle_1xb64-100e_'
                 'fmnist-1k-study.py'):
        cfg = load(osp.join(CONFIG_ROOT, path))
        assert cfg.model.sumix is None
        assert cfg.model.mixer.type == 'TrueShareMixer'
        assert cfg.model.mixer.mixer == dict(type='BatchCutMix', alpha=0.2)
        pre = cfg.model.get('data_preprocessor') or cfg.data_preprocessor
        assert cfg.model.mixer.mean == pre.mean
        assert cfg.model.mixer.std == pre.std


def test_configs_readme_counts_the_ablations():
    import glob
    import re
    n = len(glob.glob(osp.join(CONFIG_ROOT, 'cifar100', 'ablations',
                               '*.py')))
    text = open(osp.join(CONFIG_ROOT, 'README.md')).read()
    assert re.search(rf'\b{n} ablations\b', text), n
