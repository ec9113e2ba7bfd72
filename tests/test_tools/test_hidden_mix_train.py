"""ManifoldMix and AlignMix configs train one iteration (and validate)
through ``tools/train.py`` on a tiny copy of their dataset in the real
on-disk layout, the backbone narrowed; the step logs its draws (``lam``,
``mix_layer`` / ``aligned``). One Python process runs the two (the tool
is run with ``runpy``, as ``python tools/train.py`` would run it)."""
import glob
import json
import os.path as osp

from tests.conftest import REPO, tiny_run_options, train_in_one_process
from tests.test_datasets.fixtures import make_cifar100, make_tiny_imagenet

# one config per method and per dataset (every config also trains a step
# in tests/test_configs/test_every_config_trains.py)
CONFIGS = {
    'cifar100/resnet18_manifoldmix_1xb100-800e_cifar100.py': 'mix_layer',
    'tiny_imagenet/resnet18_alignmix_1xb100-400e_tiny-imagenet.py':
    'aligned',
}


def test_hidden_state_mixer_configs_train_one_iteration(tmp_path):
    roots = {'cifar100': make_cifar100(str(tmp_path / 'cifar100')),
             'tiny_imagenet': str(tmp_path / 'tiny')}
    make_tiny_imagenet(roots['tiny_imagenet'], 200, 1, 4)
    runs = []
    for config in CONFIGS:
        root = roots[config.split('/')[0]]
        opts = tiny_run_options(root)
        runs.append([osp.join(REPO, 'tools', 'train.py'),
                     osp.join(REPO, 'configs', config), '--work-dir',
                     str(tmp_path / 'w' / osp.basename(config)[:-3]),
                     '--cfg-options', *opts])
    train_in_one_process(runs)
    for config, key in CONFIGS.items():
        work = tmp_path / 'w' / osp.basename(config)[:-3]
        assert osp.isfile(work / 'epoch_1.pth'), config
        log = sorted(glob.glob(str(work / '*' / 'vis_data' / '*.json')))[-1]
        train = [json.loads(line) for line in open(log)]
        train = [r for r in train if 'loss' in r]
        assert len(train) == 1 and {'lam', key} <= set(train[0]), config
        assert 0 <= train[0]['lam'] <= 1


def test_the_gallery_refuses_hidden_state_mixers(fmnist_root, tmp_path,
                                                 capsys):
    import pytest

    from sumix_ext.commands import vis_mix
    demo = osp.join(REPO, 'configs/fashion_mnist/'
                    'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')
    for name in ('BatchManifoldMix', 'BatchAlignMix'):
        with pytest.raises(SystemExit) as exc:
            vis_mix.main([demo, '--mixers', name, '--num', '2', '--out',
                          str(tmp_path / 'g.png'), '--cfg-options',
                          f'train_dataloader.dataset.data_root='
                          f'{fmnist_root}'])
        assert exc.value.code != 0
        err = capsys.readouterr().err
        errors = [ln for ln in err.splitlines() if ln.startswith('error:')]
        assert len(errors) == 1 and errors[0].startswith(
            f'error: --mixers {name}: it mixes hidden states')
        assert 'Traceback' not in err
