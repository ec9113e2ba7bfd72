"""Issue 20 item 4: SUMix (or a mixer) switched on over a base that has it
off (None), by a child config and by --cfg-options, and off again."""
import os.path as osp

import sumix_ext  # noqa: F401  (applies the compat fixes)
from sumix_ext.apis import load_config
from tests.conftest import REPO

OFF = osp.join(REPO, 'configs', 'fashion_mnist',
               'resnet18-w16_cutmix_1xb64-4e_fmnist.py')
ON = osp.join(REPO, 'configs', 'fashion_mnist',
              'resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py')


def child(tmp_path, base, body):
    path = tmp_path / 'child.py'
    path.write_text(f'_base_ = [{base!r}]\n{body}\n')
    return str(path)


def test_sumix_on_over_an_off_base_by_a_child(tmp_path):
    assert load_config(OFF).model.sumix is None
    cfg = load_config(child(tmp_path, OFF, "model = dict(sumix=dict("
                                           "type='SUMixLoss', gamma=1.0))"))
    assert cfg.model.sumix == dict(type='SUMixLoss', gamma=1.0)
    # the rest of the model is the base's
    assert cfg.model.mixer == load_config(OFF).model.mixer


def test_sumix_on_and_off_from_the_command_line():
    cfg = load_config(OFF, {'model.sumix.type': 'SUMixLoss',
                            'model.sumix.ratio': 'saliency'})
    assert cfg.model.sumix == dict(type='SUMixLoss', ratio='saliency')
    assert load_config(ON, {'model.sumix': None}).model.sumix is None


def test_sumix_off_by_a_child_and_a_mixer_on_over_vanilla(tmp_path):
    cfg = load_config(child(tmp_path, ON, 'model = dict(sumix=None)'))
    assert cfg.model.sumix is None
    vanilla = load_config(child(tmp_path, OFF, 'model = dict(mixer=None)'))
    assert vanilla.model.mixer is None
    again = tmp_path / 'again.py'
    again.write_text(f"_base_ = [{str(tmp_path / 'child.py')!r}]\n"
                     "model = dict(mixer=dict(type='BatchFMix', "
                     'alpha=0.5))\n')
    assert load_config(str(again)).model.mixer == dict(type='BatchFMix',
                                                       alpha=0.5)


def test_switched_on_sumix_trains(fmnist_root, tmp_path):
    from tests.conftest import run_tool, tiny_fmnist_cfg_options
    opts = tiny_fmnist_cfg_options(fmnist_root, str(tmp_path / 'w'),
                                   epochs=1, sumix=False)
    opts = [o for o in opts if o != 'model.sumix=None']
    proc = run_tool(['tools/train.py', OFF] + opts +
                    ['model.sumix.type=SUMixLoss'])
    assert 'lam_tilde' in proc.stdout  # the SUMix loss logged its terms
