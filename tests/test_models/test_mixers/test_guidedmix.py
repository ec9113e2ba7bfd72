"""GuidedMixup (BatchGuidedMix and the 'guidedmix' procedure) against
hand-made saliency maps, the authors' pairing rule, their mask and label,
and which weights their gradient mode trains."""
import copy
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.optim import OptimWrapper

from sumix_ext.models.classifiers.procedures import (active_procedure,
                                                     check_procedure,
                                                     procedure_of)
from sumix_ext.models.mixers import (BatchGuidedMix, TrueShareMixer,
                                     build_mixer, gradient_saliency,
                                     greedy_pairing, guided_mask,
                                     guided_sr_saliency, semantic_share)
from sumix_ext.models.mixers.guidedmix import (gaussian_blur,
                                               normalise_saliency,
                                               saliency_distance)
from tests.conftest import (build_tiny_classifier, make_fashion_mnist,
                            run_tool, tiny_fmnist_cfg_options)
from tests.test_models.test_classifiers.test_fast_sumix import batch

DEMO = 'configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py'


def left_right_maps(p, h=4, w=4):
    """Saliency with a share ``p_i`` of image i's mass on its left half,
    ``1 - p_i`` on the right, spread evenly: ``(N, h, w)``."""
    p = torch.tensor(p, dtype=torch.float32)[:, None, None]
    left = torch.arange(w) < w // 2
    return torch.where(left, p, 1 - p).expand(-1, h, -1) / (h * w / 2)


# ------------------------------------------------------------- pairing
def test_greedy_pairing_on_a_hand_made_distance_matrix():
    """The authors' onecycle_cover by hand: the farthest pair (2, 3)
    starts; from 3 the farthest unvisited is 1 (4 > 2), from 1 only 0 is
    left, and 0 closes the cycle back to 2."""
    d = torch.tensor([[0., 1., 5., 2.],
                      [1., 0., 3., 4.],
                      [5., 3., 0., 6.],
                      [2., 4., 6., 0.]])
    assert greedy_pairing(d).tolist() == [2, 0, 3, 1]


def test_known_saliency_maps_give_known_pairs():
    """Maps whose left-half shares are 0.1, 0.2, 0.9, 0.4 are at L2
    distances proportional to |p_i - p_j|: (0, 2) is the farthest pair,
    then from 2 the farthest unvisited is 1 (0.7 > 0.5), then 3, back to
    0."""
    sal = left_right_maps([0.1, 0.2, 0.9, 0.4])
    dist = saliency_distance(normalise_saliency(sal))
    gaps = torch.tensor([0.1, 0.2, 0.9, 0.4])
    assert torch.allclose(dist, (gaps[:, None] - gaps[None]).abs() *
                          np.sqrt(2 * 8) / 8, atol=1e-6)
    mixer = BatchGuidedMix(blur_size=0)
    x = torch.randn(4, 3, 4, 4)
    assert mixer.mix_with(x, sal).index.tolist() == [2, 3, 1, 0]


@pytest.mark.parametrize('n', [2, 3, 5, 8, 13])
def test_greedy_pairing_is_one_cycle_without_self_pairs(n):
    g = torch.Generator().manual_seed(n)
    a = torch.rand(n, n, generator=g)
    index = greedy_pairing(a + a.T)
    assert sorted(index.tolist()) == list(range(n))
    seen, i = [], 0
    for _ in range(n):  # one cycle through every image
        seen.append(i)
        i = int(index[i])
    assert i == 0 and sorted(seen) == list(range(n))
    assert greedy_pairing(torch.zeros(n, n)).tolist() != list(range(n))


# ------------------------------------------------------- mask and lam
def test_mask_and_lam_by_hand():
    p = [0.1, 0.2, 0.9, 0.4]
    sal = left_right_maps(p)
    mixer = BatchGuidedMix(blur_size=0)
    x = torch.arange(4.).view(4, 1, 1, 1).expand(4, 3, 4, 4).contiguous()
    out = mixer.mix_with(x, sal)
    b = out.index.tolist()
    for i in range(4):
        pa, pb = p[i], p[b[i]]
        share_a_left = pa / (pa + pb)  # S_a / (S_a + S_b)
        share_a_right = (1 - pa) / (2 - pa - pb)
        want = torch.tensor([share_a_left] * 2 + [share_a_right] * 2)
        assert torch.allclose(1 - out.mask[i, 0], want.expand(4, 4),
                              atol=1e-6)
        assert out.lam[i].item() == pytest.approx(
            (share_a_left + share_a_right) / 2, abs=1e-6)
    # lam = mean(1 - mask) per sample, and the image is that blend
    assert torch.allclose(out.lam, (1 - out.mask).mean(dim=(1, 2, 3)))
    want = (1 - out.mask) * x + out.mask * x[out.index]
    assert torch.allclose(out.inputs, want, atol=1e-6)
    measured = ((x[out.index] - out.inputs) / (x[out.index] - x)).mean(
        dim=(1, 2, 3))
    assert torch.allclose(measured, out.lam, atol=1e-5)


def test_the_saliency_is_blurred_as_torchvision_then_summed_to_one():
    tf = pytest.importorskip('torchvision.transforms.functional')
    g = torch.Generator().manual_seed(0)
    sal = torch.rand(5, 16, 16, generator=g)
    mine = gaussian_blur(sal, 7, 3.0)
    theirs = tf.gaussian_blur(sal[:, None], [7, 7], [3.0, 3.0])[:, 0]
    assert torch.allclose(mine, theirs, atol=1e-6)
    x = torch.randn(5, 3, 16, 16, generator=g)
    out = BatchGuidedMix().mix_with(x, sal)
    s = theirs / theirs.sum(dim=(1, 2), keepdim=True)
    assert torch.allclose(out.mask[:, 0], guided_mask(s, out.index)[:, 0])
    assert torch.allclose(1 - out.mask[:, 0],
                          s / (s + s[out.index]), atol=1e-6)


def test_empty_saliency_is_uniform_and_a_zero_pair_is_half():
    sal = torch.zeros(2, 4, 4)
    sal[1, 0, 0] = 1.0
    s = normalise_saliency(sal)
    assert torch.allclose(s[0], torch.full((4, 4), 1 / 16))
    mask = guided_mask(torch.zeros(2, 4, 4), torch.tensor([1, 0]))
    assert torch.all(mask == 0.5)
    out = BatchGuidedMix().mix_with(torch.randn(2, 1, 4, 4),
                                    torch.full((2, 4, 4), float('nan')))
    assert torch.isfinite(out.inputs).all() and torch.allclose(
        out.lam, torch.full((2, ), 0.5))


def test_sr_saliency_finds_the_object():
    """Guided-SR's map of a bright square on a flat background puts more
    than 1.5 times the square's area share of its mass on (and around)
    the square."""
    x = torch.zeros(2, 3, 32, 32)
    x[0, :, 4:12, 4:12] = 1.0
    x[1, :, 18:28, 16:26] = 1.0
    sal = guided_sr_saliency(x)
    assert sal.shape == (2, 32, 32) and (sal >= 0).all()
    near = torch.zeros(2, 32, 32, dtype=torch.bool)
    near[0, 2:14, 2:14] = True
    near[1, 16:30, 14:28] = True
    share = (sal * near).sum(dim=(1, 2)) / sal.sum(dim=(1, 2))
    area = near.float().mean(dim=(1, 2))
    assert (share > 1.5 * area).all()
    assert guided_sr_saliency(torch.randn(2, 3, 200, 200)).shape == (2, 200,
                                                                     200)


def test_gradient_saliency_is_the_channel_rms():
    g = torch.tensor([[[[3.0]], [[4.0]]]])  # C = 2, one pixel
    assert gradient_saliency(g).item() == pytest.approx(np.sqrt(12.5))


# ------------------------------------------------ the mixer's interfaces
def test_sr_mixer_keeps_dtype_shape_and_speaks_mmpretrain():
    np.random.seed(0)
    mixer = build_mixer(dict(type='BatchGuidedMix'))
    assert procedure_of(mixer) is None
    for shape, dtype in (((6, 1, 28, 28), torch.float32),
                         ((4, 3, 32, 32), torch.bfloat16)):
        x = torch.randn(*shape).to(dtype)
        out = mixer(x)
        assert out.inputs.dtype == dtype and out.inputs.shape == x.shape
        assert out.mask.shape == (shape[0], 1) + shape[2:]
        assert out.lam.shape == (shape[0], )
        assert (out.index != torch.arange(shape[0])).all()
    x = torch.randn(4, 3, 16, 16)
    score = torch.eye(4)
    np.random.seed(1)
    mixed, mixed_score = mixer(x, score)
    np.random.seed(1)
    out = mixer(x)
    assert torch.equal(mixed, out.inputs)
    lam = out.lam[:, None]
    assert torch.allclose(mixed_score,
                          lam * score + (1 - lam) * score[out.index])


def test_prob_zero_leaves_the_batch_unmixed():
    x = torch.randn(4, 3, 8, 8)
    out = BatchGuidedMix(prob=0.0)(x)
    assert out.inputs is x and out.lam == 1.0
    assert out.index.tolist() == [0, 1, 2, 3] and not out.mask.any()


def test_share_ratios_and_the_oracle_read_the_float_mask():
    sal = left_right_maps([0.1, 0.9])
    x = torch.randn(2, 1, 4, 4)
    out = BatchGuidedMix(blur_size=0).mix_with(x, sal)
    obj = torch.zeros(2, 1, 4, 4)
    obj[0, :, :, :2] = 1.0  # x_a's object: left half
    obj[1, :, :, 2:] = 1.0  # x_b's object: right half
    m = out.mask
    kept = ((1 - m) * obj).sum(dim=(1, 2, 3))
    pasted = (m * obj[out.index]).sum(dim=(1, 2, 3))
    assert torch.allclose(semantic_share(out, obj), kept / (kept + pasted))
    oracle = TrueShareMixer(mixer=dict(type='BatchGuidedMix'),
                            objectness=lambda v: obj)
    got = oracle(torch.randn(2, 1, 4, 4))
    assert got.lam.shape == (2, ) and ((got.lam >= 0) & (got.lam <= 1)).all()


@pytest.mark.parametrize('cfg, match', [
    (dict(guided_type='grad'), "guided_type must be 'sr'"),
    (dict(pairing='hungarian'), 'pairing must be one of'),
    (dict(prob=1.5), r'prob must be a number in \[0.0, 1.0\]'),
    (dict(blur_size=6), 'blur_size must be an odd int or 0'),
    (dict(blur_sigma=0), 'blur_sigma must be > 0'),
    (dict(clean_lam=1.0), "Guided-SR has none"),
    (dict(guided_type='ap', clean_lam=-1), 'clean_lam must be a number'),
    (dict(alpha=1.0), 'alpha'),
])
def test_bad_values_are_one_line_errors(cfg, match):
    with pytest.raises((ValueError, TypeError), match=match):
        build_mixer(dict(type='BatchGuidedMix', **cfg))


def test_gradient_mode_refuses_sumix_checkpointing_and_a_bare_call():
    with pytest.raises(ValueError, match=r'BatchGuidedMix does not combine '
                       r"with SUMix \(Guided-AP's mix .*guided_type='sr'"):
        build_tiny_classifier(sumix=True, mixer=dict(
            type='BatchGuidedMix', guided_type='ap'))
    model = build_tiny_classifier(sumix=True, mixer=dict(
        type='BatchGuidedMix'))  # Guided-SR: a plain mixer, SUMix labels it
    assert active_procedure(model) is None
    model = build_tiny_classifier(sumix=None, mixer=dict(
        type='BatchGuidedMix', guided_type='ap'))
    model.backbone.layer1[0].with_cp = True  # mmpretrain's checkpointing
    with pytest.raises(ValueError, match=r'backbone.layer1.0.with_cp=True'):
        check_procedure(model)
    with pytest.raises(ValueError, match='input gradient of the model'):
        BatchGuidedMix(guided_type='ap')(torch.randn(2, 3, 8, 8))


# --------------------------------------------------------- training
@pytest.mark.parametrize('mixer, sumix', [
    (dict(type='BatchGuidedMix'), None),
    (dict(type='BatchGuidedMix'), dict(type='SUMixLoss', gamma=0.5,
                                        ratio='saliency')),
    (dict(type='BatchGuidedMix', guided_type='ap'), None),
    (dict(type='BatchGuidedMix', guided_type='ap', clean_lam=1.0), None),
])
def test_one_training_step_through_the_classifier(mixer, sumix):
    torch.manual_seed(0)
    np.random.seed(0)
    model = build_tiny_classifier(sumix=sumix, mixer=mixer).train()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    x, samples = batch(n=6)
    before = model.backbone.conv1.weight.detach().clone()
    logs = model.train_step(dict(inputs=x, data_samples=samples), wrapper)
    assert torch.isfinite(logs['loss']) and 'lam' in logs
    assert not torch.equal(before, model.backbone.conv1.weight)
    if mixer.get('guided_type') == 'ap':
        assert 'clean_ce' in logs


def _gradient_step(clean_lam):
    """One Guided-AP step on a tiny model, and the same model before it;
    returns both, the clean batch, its labels and the mix it made."""
    torch.manual_seed(0)
    np.random.seed(0)
    model = build_tiny_classifier(sumix=None, mixer=dict(
        type='BatchGuidedMix', guided_type='ap', clean_lam=clean_lam))
    model.train()
    twin = copy.deepcopy(model)
    x, samples = batch(n=6)
    y = torch.cat([s.gt_label for s in samples])
    seen = {}
    mix_with = model.mixer.mix_with

    def spy(inputs, saliency):
        seen['saliency'] = saliency
        seen['mixed'] = mix_with(inputs, saliency)
        return seen['mixed']

    model.mixer.mix_with = spy
    steps = model.backbone.bn1.num_batches_tracked.item()
    out = model.loss(x, samples)
    seen['bn_passes'] = model.backbone.bn1.num_batches_tracked.item() - steps
    seen['grads_before_backward'] = [
        n for n, p in model.named_parameters() if p.grad is not None]
    out['loss'].backward()
    return model, twin, x, y, out, seen


def _logits(model, x):
    return model.head(model.extract_feat(x))


@pytest.mark.parametrize('clean_lam', [0.0, 1.0])
def test_gradient_mode_trains_the_weights_the_authors_code_trains(
        clean_lam):
    """The saliency is sqrt(mean_c g^2) of the clean cross-entropy's input
    gradient (train mode: BatchNorm sees the clean and the mixed batch);
    the saliency pass leaves no weight gradient; the step's weight
    gradients are those of the mixed loss alone (clean_lam 0: the authors
    zero the gradients after the clean backward) or of the mixed loss plus
    clean_lam times the clean CE (clean_lam > 0: they keep them)."""
    model, twin, x, y, out, seen = _gradient_step(clean_lam)
    assert seen['bn_passes'] == 2
    assert seen['grads_before_backward'] == []
    xg = x.clone().requires_grad_(True)
    clean = F.cross_entropy(_logits(twin, xg), y)
    g, = torch.autograd.grad(clean, xg)
    assert torch.allclose(seen['saliency'], g.pow(2).mean(dim=1).sqrt(),
                          atol=1e-7, rtol=1e-4)
    mixed = seen['mixed']
    lam = mixed.lam
    logits = _logits(twin, mixed.inputs)
    want = (lam * F.cross_entropy(logits, y, reduction='none') +
            (1 - lam) * F.cross_entropy(logits, y[mixed.index],
                                        reduction='none')).mean()
    if clean_lam:
        want = want + clean_lam * F.cross_entropy(_logits(twin, x), y)
    assert out['loss'].item() == pytest.approx(want.item(), rel=1e-5)
    want.backward()
    for (name, p), q in zip(model.named_parameters(), twin.parameters()):
        if q.grad is None:
            assert p.grad is None or not p.grad.any(), name
            continue
        assert torch.allclose(p.grad, q.grad, atol=1e-6, rtol=1e-4), name


def test_gradient_mode_without_a_mix_has_no_saliency_pass():
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=None, mixer=dict(
        type='BatchGuidedMix', guided_type='ap', prob=0.0)).train()
    x, samples = batch(n=4)
    y = torch.cat([s.gt_label for s in samples])
    twin = copy.deepcopy(model)
    steps = model.backbone.bn1.num_batches_tracked.item()
    out = model.loss(x, samples)
    assert model.backbone.bn1.num_batches_tracked.item() - steps == 1
    assert out['lam'].item() == 1.0 and 'clean_ce' not in out
    assert out['loss'].item() == pytest.approx(
        F.cross_entropy(_logits(twin, x), y).item(), rel=1e-5)


@pytest.mark.parametrize('guided_type', ['sr', 'ap'])
def test_tools_train_runs_guidedmix(guided_type, tmp_path):
    data = make_fashion_mnist(str(tmp_path / 'fm'), n_train=32, n_test=16)
    work = str(tmp_path / 'w')
    opts = tiny_fmnist_cfg_options(data, work, epochs=1, sumix=False) + [
        "model.mixer=dict(type='BatchGuidedMix', "
        f"guided_type='{guided_type}', prob=1.0)"]
    run_tool(['tools/train.py', DEMO] + opts, timeout=300)
    ckpt = torch.load(osp.join(work, 'epoch_1.pth'), map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
    assert torch.isfinite(ckpt['state_dict']['head.fc.weight']).all()


def test_gallery_draws_a_guidedmix_row(fmnist_root, tmp_path, monkeypatch):
    """tools/visualization/vis_mix.py --mixers ... BatchGuidedMix: a row of
    Guided-SR mixes (per-sample lam, partners never the image itself)."""
    from sumix_ext.commands import vis_mix
    seen = []
    draw = vis_mix.draw
    monkeypatch.setattr(vis_mix, 'draw', lambda rows, out: (
        seen.extend(rows), draw(rows, out)))
    out = str(tmp_path / 'g.png')
    assert vis_mix.main([
        DEMO, '--mixers', 'BatchCutMix', 'BatchGuidedMix', '--num', '3',
        '--out', out, '--cfg-options',
        f'train_dataloader.dataset.data_root={fmnist_root}',
        'train_dataloader.dataset.indices=None']) == 0
    name, images, lams, _ = seen[1]
    assert name == 'BatchGuidedMix' and images.shape == (3, 28, 28)
    assert len(set(lams)) == 3 and all(0 < lam < 1 for lam in lams)
    assert osp.getsize(out) > 0


def test_gradient_mode_mixes_for_the_analysis_tools_without_training():
    """The procedure's mix (guidedmix_mix, for the fidelity tool and the
    gallery with a checkpoint): under no_grad, eval mode, the saliency of
    the model as it is, no weight gradient, always mixed."""
    from sumix_ext.models.classifiers.procedures import mix_batch
    torch.manual_seed(0)
    model = build_tiny_classifier(sumix=None, mixer=dict(
        type='BatchGuidedMix', guided_type='ap', prob=0.0)).eval()
    x, samples = batch(n=4)
    y = torch.cat([s.gt_label for s in samples])
    with torch.no_grad():
        out = mix_batch(model, model.mixer, x, y)  # the procedure's mix
    xg = x.clone().requires_grad_(True)
    g, = torch.autograd.grad(F.cross_entropy(_logits(model, xg), y), xg)
    want = model.mixer.mix_with(x, gradient_saliency(g))
    assert torch.equal(out.index, want.index)
    assert torch.allclose(out.mask, want.mask, atol=1e-6)
    assert all(p.grad is None for p in model.parameters())


def test_the_fidelity_tool_scores_both_modes():
    """ratio_fidelity's GuidedMix (no model) and GuidedMix-AP (a
    checkpoint's input gradient): the label is the mask share, the truth
    is read through the float mask."""
    from sumix_ext.evaluation.ratio_fidelity import (FIDELITY_MIXERS,
                                                     gather_ratios,
                                                     object_map_fn)
    torch.manual_seed(0)
    np.random.seed(0)
    x = torch.randn(8, 1, 16, 16)
    y = torch.arange(8) % 4
    pm = object_map_fn('pixel_mass', [72.94], [90.02])
    r = gather_ratios(x, y, FIDELITY_MIXERS['GuidedMix'], 4, pm)
    assert r['s'].shape == r['lam'].shape == (8, )
    assert ((r['lam'] > 0) & (r['lam'] < 1)).all()
    with pytest.raises(ValueError, match='give a checkpoint'):
        gather_ratios(x, y, FIDELITY_MIXERS['GuidedMix-AP'], 4, pm)
    model = build_tiny_classifier(sumix=True, in_channels=1).eval()
    r = gather_ratios(x, y, FIDELITY_MIXERS['GuidedMix-AP'], 4, pm, model,
                      variants={'official': dict(ratio='official')})
    assert r['official'].shape == (8, ) and np.isfinite(r['s']).all()


def test_gallery_draws_guided_ap_with_the_configs_model(fmnist_root,
                                                       tmp_path, capsys):
    """A config whose model.mixer is Guided-AP: the gallery row mixes with
    the input gradient of the config's (untrained) model."""
    from sumix_ext.commands import vis_mix
    out = str(tmp_path / 'g.png')
    assert vis_mix.main([
        DEMO, '--mixers', 'BatchGuidedMix', '--num', '2', '--out', out,
        '--cfg-options', f'train_dataloader.dataset.data_root={fmnist_root}',
        'train_dataloader.dataset.indices=None', 'model.sumix=None',
        "model.mixer=dict(type='BatchGuidedMix', guided_type='ap')"]) == 0
    assert 'BatchGuidedMix mixes with the input gradient' in \
        capsys.readouterr().out
