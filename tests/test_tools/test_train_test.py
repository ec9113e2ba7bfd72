import glob
import json
import os.path as osp

import torch

from tests.conftest import run_tool, tiny_fmnist_cfg_options

DEMO = 'configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'


def last_json_log(work_dir):
    logs = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', '*.json')))
    return [json.loads(line) for line in open(logs[-1])]


def test_train_resume_and_test_round_trip(fmnist_root, tmp_path):
    work = str(tmp_path / 'work')
    run_tool(['tools/train.py', DEMO] +
             tiny_fmnist_cfg_options(fmnist_root, work, epochs=2))
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))
    ckpt2 = torch.load(osp.join(work, 'epoch_2.pth'))  # torch>=2.6 default
    assert ckpt2['meta']['epoch'] == 2
    # resume to epoch 3 from the latest checkpoint (torch 2.14, weights_only)
    proc = run_tool(['tools/train.py', DEMO, '--resume'] +
                    tiny_fmnist_cfg_options(fmnist_root, work, epochs=3))
    assert 'resumed epoch: 2' in proc.stdout + proc.stderr
    ckpt3 = torch.load(osp.join(work, 'epoch_3.pth'))
    assert ckpt3['meta']['epoch'] == 3
    records = last_json_log(work)
    train = [r for r in records if 'loss' in r]
    assert train and all(r['epoch'] == 3 for r in train)
    assert {'lam_tilde', 'sumix_reg', 'lam'} <= set(train[0])
    # evaluate the checkpoint
    proc = run_tool(['tools/test.py', DEMO, osp.join(work, 'epoch_3.pth'),
                     '--work-dir', str(tmp_path / 'test'), '--cfg-options'] +
                    tiny_fmnist_cfg_options(fmnist_root, work)[3:])
    assert 'accuracy/top1' in proc.stdout + proc.stderr


def test_baseline_without_sumix_trains(fmnist_root, tmp_path):
    work = str(tmp_path / 'base')
    run_tool(['tools/train.py', DEMO] +
             tiny_fmnist_cfg_options(fmnist_root, work, epochs=1,
                                     sumix=False))
    train = [r for r in last_json_log(work) if 'loss' in r]
    assert train and 'lam_tilde' not in train[0]


def test_tools_test_flags_are_honoured_or_one_line(tmp_path, capsys):
    """mmpretrain's tools/test.py flags: --show-dir writes pictures,
    --no-pin-memory/--interval are accepted, --out-item without --out, a
    non-.pkl --out and --tta without a tta config are one line each."""
    import os

    from tests.conftest import make_fashion_mnist, tiny_fmnist_cfg_options
    from tests.test_apis.test_bad_inputs import _error_line, _command
    from tests.test_reliability.utils import DEMO
    test, train = _command('test'), _command('train')
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    opts = tiny_fmnist_cfg_options(data, work, epochs=1)
    train.main([DEMO] + opts)
    ckpt = os.path.join(work, 'epoch_1.pth')
    shows = str(tmp_path / 'shows')
    metrics = test.main([DEMO, ckpt, '--show-dir', shows, '--interval', '4',
                         '--no-pin-memory'] + opts)
    assert 'accuracy/top1' in metrics
    pictures = [f for _, _, files in os.walk(shows) for f in files]
    assert len(pictures) == 4  # 16 test images, every 4th
    line = _error_line(capsys, [DEMO, ckpt, '--out-item', 'metrics'] + opts,
                       tool=test)
    assert '--out-item metrics needs --out' in line
    line = _error_line(capsys, [DEMO, ckpt, '--out', 'r.json'] + opts,
                       tool=test)
    assert "--out must name a .pkl/.pickle file, got 'r.json'" in line
    assert 'with --out-item metrics also .json' in line
    # as mmpretrain's tool: the metrics as JSON
    out = tmp_path / 'm.json'
    test.main([DEMO, ckpt, '--out', str(out), '--out-item', 'metrics'] +
              opts)
    import json
    assert 'accuracy/top1' in json.loads(out.read_text())
    # --tta as mmpretrain's tool: flip TTA by default; the checkpoint fit
    # check looks through the TTA wrapper
    tta = test.main([DEMO, ckpt, '--tta'] + opts)
    assert 'accuracy/top1' in tta
