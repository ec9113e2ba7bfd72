"""Smoke test of tools/analysis_tools/benchmark_step.py at tiny sizes (no
timing assertions: only that every variant, ratio and field is produced)."""
import json

import pytest
import torch

from tests.conftest import run_tool

SCRIPT = 'tools/analysis_tools/benchmark_step.py'
TINY = ['--batch-size', '4', '--repeats', '1', '--warmup', '0', '--width',
        '4', '--img-size', '16', '--num-classes', '10',
        '--component-repeats', '1']


def _module():
    from sumix_ext.commands import benchmark_step
    return benchmark_step


def test_benchmark_table_and_json(tmp_path):
    out = tmp_path / 'bench.json'
    proc = run_tool([SCRIPT] + TINY + ['--memory-steps', '0', '--out',
                                       str(out)],
                    timeout=240)
    table = proc.stdout
    for row in ('| (a) stock ImageClassifier', '| (b) MixupClassifier',
                '| (c) MixupClassifier + BatchCutMix + SUMix (faithful)',
                '| (d) MixupClassifier + BatchCutMix + SUMix fast',
                "| (e) (d) with the CAM share (ratio='cam'",
                '| (f) (b) + SUMix saliency share, one pass',
                '| f/b |', '| e/b (reference) |',
                '| (p1) bare PyTorch step, one pass',
                '| (p2) bare PyTorch step, two passes',
                '| b/a |', '| c/b |', '| d/b |', '| p2/p1 (reference) |',
                '| (h) (b) with BatchSnapMix', '| h/b (reference) |',
                '| (v) ViT (deit-tiny arch', '| (t) (v) with BatchTransMix',
                '| t/v (reference) |', '| BatchTransMix |',
                '| (gs) (b) with BatchGuidedMix, Guided-SR',
                '| (ga) (b) with BatchGuidedMix, Guided-AP',
                '| gs/b |', '| ga/b (reference) |',
                '| BatchGuidedMix |',
                '| (mm) (b) with BatchManifoldMix', '| mm/b |',
                '| (al) (b) with BatchAlignMix', '| al/b |',
                '| (pz) (b) with BatchPuzzleMix', '| pz/b |',
                '| (dm) (b) with the DecoupleMix loss', '| dm/b |',
                '| (mx) (b) with BatchMixup', '| (am) AutoMixClassifier',
                '| (sa) (am) with SAMix', '| am/mx |', '| sa/mx |',
                '| (vx) (v) with BatchMixup', '| (va) (v) as AutoMixClassifier',
                "| (vs) (va) with SAMix's DeiT-S Mixer", '| va/vx |',
                '| vs/vx |', "| (aj) (am) with OpenMixup's one backward",
                '| (sj) (sa) with the one backward', '| aj/mx (reference) |',
                '| (vaj) (va) with the one backward', '| vsj/vx (reference) |',
                '| SUMixLoss (fwd+bwd) |', '| BatchCutMix |'):
        assert row in table, row
    res = json.loads(out.read_text())
    assert set(res['variants']) == {'a', 'b', 'c', 'd', 'e', 'f', 'h', 'v',
                                    't', 'gs', 'ga', 'mm', 'al', 'pz',
                                    'dm', 'mx', 'am', 'sa', 'vx', 'va', 'vs',
                                    'aj', 'sj', 'vaj', 'vsj', 'p1', 'p2'}
    for v in res['variants'].values():
        assert v['median_ms'] > 0 and len(v['times_ms']) == 1
    assert set(res['ratios']) == {'b/a', 'c/b', 'd/b', 'f/b', 'pz/b', 'mm/b',
                                  'al/b', 'gs/b', 'dm/b', 'am/mx', 'sa/mx',
                                  'va/vx', 'vs/vx'}
    b = res['variants']['b']['median_ms']
    c = res['variants']['c']['median_ms']
    assert abs(res['ratios']['c/b']['value'] - c / b) < 1e-9
    assert abs(res['ratios']['c/b']['paired_median'] - c / b) < 1e-9
    p1 = res['variants']['p1']['median_ms']
    p2 = res['variants']['p2']['median_ms']
    assert abs(res['references']['p2/p1']['value'] - p2 / p1) < 1e-9
    t, v = (res['variants'][k]['median_ms'] for k in 'tv')
    assert abs(res['references']['t/v']['value'] - t / v) < 1e-9
    assert res['components']['SUMixLoss (fwd+bwd)']['pct_of_b'] > 0
    assert res['settings']['batch_size'] == 4
    assert res['settings']['clock'] == 'wall'
    assert 'malloc' not in res['settings']  # the glibc switch is gone
    assert res['machine']['threads'] >= 1 and res['machine']['cpu']


def test_memory_child_measures_one_variant():
    bench = _module()
    args = bench.parse_args(TINY + ['--memory-steps', '1',
                                    '--memory-child', 'd'])
    mem = bench.memory_child(args)
    # a tiny model's step can fit in memory the (long-lived) pytest process
    # already holds, so the extra peak may be 0; it is never negative
    assert mem['peak_mb'] >= 0 and mem['process_peak_mb'] > 0
    assert mem['process_peak_mb'] >= mem['peak_mb']
    assert 'VmHWM' in mem['method']


def test_bad_sizes_are_one_line_errors(capsys):
    bench = _module()
    with pytest.raises(SystemExit) as exc:
        bench.parse_args(['--batch-size', '1'])
    assert exc.value.code == 2
    assert '--batch-size must be >= 2' in capsys.readouterr().err


def test_bare_two_pass_step_adds_the_clean_ce_and_trains():
    """(p2) = (p1)'s mixed CE + the clean batch's CE, one backward, one SGD
    step that moves the weights: the reference does the work it claims."""
    bench = _module()
    args = bench.parse_args(TINY)
    data = bench.make_batch(args, seed=0)
    losses = {}
    for v in ('p1', 'p2'):
        model, opt = bench.build_variant(v, args)
        x = (data['inputs'].float() - model.mean) / model.std
        y = torch.tensor([int(s.gt_label) for s in data['data_samples']])
        with torch.no_grad():  # train mode: BN batch statistics, as inside
            clean_ce = float(torch.nn.functional.cross_entropy(
                model._logits(x), y))
        before = [p.detach().clone() for p in model.parameters()]
        torch.manual_seed(1)
        losses[v] = float(model.train_step(data, opt)['loss'])
        assert any(not torch.equal(b, p)
                   for b, p in zip(before, model.parameters()))
        losses[v + '_clean'] = clean_ce
    # same seed -> same lam, box and permutation in both variants
    assert losses['p2'] == pytest.approx(losses['p1'] + losses['p2_clean'],
                                         rel=1e-5)


def test_every_benchmark_module_stays_small():
    """The harness is split along its concerns (variants, clock, memory,
    timing/report): no module passes ~300 lines."""
    import glob
    for path in glob.glob('sumix_ext/benchmark/*.py'):
        with open(path) as f:
            assert sum(1 for _ in f) <= 300, path
