r"""Ratio fidelity: how close a mixing ratio is to the true semantic share.

For images with a known object map :math:`o` (Fashion-MNIST: the pixel mass,
any dataset: a mask function or a saliency map), every mask-based mixer gives
the true share of ``x_a``'s object in each mixed image,
:math:`s = \frac{\sum(1-m)o_a}{\sum(1-m)o_a + \sum m\,o_b'}`
(:func:`~sumix_ext.models.mixers.semantic_share`). A ratio :math:`x` (the
area ``lam``, or SUMix's :math:`\tilde\lambda` of any ratio form, per sample
or as the batch mean that ``lam_reduction='batch'`` trains with) is scored
by (:func:`fidelity_metrics`):

* ``mae``: mean :math:`|x - s|`;
* ``corr``: Pearson correlation of :math:`x` and :math:`s`;
* ``flip``: share of samples whose majority label disagrees with the truth,
  :math:`(x - 0.5)(s - 0.5) < 0`;
* ``saturation``: share of :math:`x < 0.05` or :math:`x > 0.95`;
* ``mae_hard``: mean :math:`|x - s|` over the samples where the area ratio
  is off by more than 0.2 (:math:`|\lambda - s| > 0.2`), where a correction
  has something to correct; ``n_hard`` their count.

The library part is here; ``tools/analysis_tools/ratio_fidelity.py`` is the
command line.
"""
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
import torch

from ..models.losses import sumix_terms
from ..models.mixers import (as_lam_tensor, build_mixer, pixel_mass,
                             semantic_share, spectral_residual_saliency)
from .label_rule_fidelity import (LABEL_RULE_NAMES,  # noqa: F401
                                  LEARNED_MASK, is_learned, mix_and_label,
                                  mixes_with_model, snapmix_labels)
from .sumix_strength import strength_table, sumix_strength  # noqa: F401

#: the mask-based mixers, with their library defaults
FIDELITY_MIXERS: Dict[str, dict] = {
    'CutMix': dict(type='BatchCutMix', alpha=0.2),
    'FMix': dict(type='BatchFMix', alpha=0.2),
    'ResizeMix': dict(type='BatchResizeMix'),
    'SaliencyMix': dict(type='BatchSaliencyMix', alpha=0.2),
    'GridMix': dict(type='BatchGridMix'),
    'SmoothMix': dict(type='BatchSmoothMix', alpha=0.2),
    'SnapMix': dict(type='BatchSnapMix', alpha=1.0),
    # CutMix's boxes (alpha 0.2), labelled by a ViT's attention
    'TransMix': dict(type='BatchTransMix', mixup_alpha=0.0,
                     cutmix_alpha=0.2),
    # mixes with a checkpoint's input gradient (the 28-px study settings)
    'PuzzleMix': dict(type='BatchPuzzleMix', block_num=(2, 4, 7, 14),
                      neigh_size=7, t_size=-1),
    # GuidedMixup (label = mask share): Guided-SR, no model; Guided-AP
    'GuidedMix': dict(type='BatchGuidedMix'),
    'GuidedMix-AP': dict(type='BatchGuidedMix', guided_type='ap'),
    # an AutoMix/SAMix checkpoint's own Mix Block (label: the drawn lam)
    'AutoMix': dict(type=LEARNED_MASK),
}

#: ratio forms scored by default: name -> SUMixLoss ratio keywords
FIDELITY_VARIANTS: Dict[str, dict] = {
    'official': dict(ratio='official'),
    'scaled-paper tau=0.5': dict(ratio='scaled', direction='paper', tau=0.5),
    'scaled-paper tau=1': dict(ratio='scaled', direction='paper', tau=1.0),
    'scaled-paper tau=2': dict(ratio='scaled', direction='paper', tau=2.0),
    'scaled-paper tau=4': dict(ratio='scaled', direction='paper', tau=4.0),
    'retention eta=0.5': dict(ratio='retention', eta=0.5),
    'retention eta=1': dict(ratio='retention', eta=1.0),
    'cam blend=0': dict(ratio='cam', blend=0.0),
    'cam blend=0.25': dict(ratio='cam', blend=0.25),
    'cam blend=0.5': dict(ratio='cam', blend=0.5),
    'saliency blend=0': dict(ratio='saliency', blend=0.0),
    'saliency blend=0.25': dict(ratio='saliency', blend=0.25),
}


def fidelity_metrics(x: np.ndarray, s: np.ndarray, lam: np.ndarray,
                     hard: float = 0.2) -> dict:
    """Score ratios ``x`` against true shares ``s`` (module docstring).

    Args:
        x (np.ndarray): ``(M,)`` ratios to score.
        s (np.ndarray): ``(M,)`` true shares.
        lam (np.ndarray): ``(M,)`` area ratios (define the hard samples).
        hard (float): ``|lam - s|`` above which a sample is hard.

    Returns:
        dict: ``mae``, ``corr``, ``flip``, ``saturation``, ``mae_hard``,
        ``n_hard``, ``n`` (floats; ``corr`` NaN when ``x`` is constant,
        ``mae_hard`` NaN without hard samples).
    """
    x, s, lam = (np.asarray(v, dtype=np.float64) for v in (x, s, lam))
    err = np.abs(x - s)
    hard_mask = np.abs(lam - s) > hard
    corr = float('nan')
    if x.std() > 1e-12 and s.std() > 1e-12:
        corr = float(np.corrcoef(x, s)[0, 1])
    return dict(
        mae=float(err.mean()),
        corr=corr,
        flip=float(((x - 0.5) * (s - 0.5) < 0).mean()),
        saturation=float(((x < 0.05) | (x > 0.95)).mean()),
        mae_hard=float(err[hard_mask].mean()) if hard_mask.any() else
        float('nan'),
        n_hard=int(hard_mask.sum()),
        n=int(x.size))


def object_map_fn(truth: str, mean: Sequence[float], std: Sequence[float],
                  background: float = 0.0) -> Callable:
    """The object map used as the truth.

    Args:
        truth (str): ``'pixel_mass'`` (objects on a flat ``background``),
            ``'saliency'`` (spectral residual saliency, any images) or
            ``'module.path:function'`` (``f(inputs) -> (N, 1, H, W)``).
            (The samples' own object masks, ``'sample'``, are not a
            function of the images: the command passes them as a tensor to
            :func:`gather_ratios`.)
        mean (Sequence[float]): Data preprocessor mean (pixel mass).
        std (Sequence[float]): Data preprocessor std (pixel mass).
        background (float): Raw value of an empty pixel (pixel mass).

    Returns:
        callable: ``f(normalised inputs) -> (N, 1, H, W)`` map.
    """
    if truth == 'pixel_mass':
        return lambda x: pixel_mass(x, mean, std, background)
    if truth == 'saliency':
        def saliency(x):
            sal = spectral_residual_saliency(x)
            if sal.dim() == 3:
                sal = sal[:, None]
            return torch.nn.functional.interpolate(
                sal, size=x.shape[-2:], mode='bilinear', align_corners=False)
        return saliency
    if ':' in truth:
        import importlib
        module, name = truth.split(':', 1)
        return getattr(importlib.import_module(module), name)
    raise ValueError(f"truth must be 'pixel_mass', 'saliency' or "
                     f"'module.path:function', got {truth!r}")


def gather_ratios(images: torch.Tensor, labels: torch.Tensor,
                  mixer_cfg: dict, batch_size: int,
                  object_map: Union[Callable, torch.Tensor],
                  model: Optional[torch.nn.Module] = None,
                  variants: Optional[Dict[str, dict]] = None,
                  seed: int = 0) -> Dict[str, np.ndarray]:
    """Mix ``images`` in batches and collect the truth and every ratio.

    Args:
        images (torch.Tensor): ``(M, C, H, W)`` normalised images.
        labels (torch.Tensor): ``(M,)`` labels.
        mixer_cfg (dict): A mask-based mixer config.
        batch_size (int): Images per mixed batch (the ``N`` of SUMix).
        object_map (callable | torch.Tensor): Truth map, see
            :func:`object_map_fn`, or the images' own object masks
            ``(M, 1, H, W)`` (e.g. ``data_sample.object_mask`` of the
            cluttered-scene regime).
        model (nn.Module, optional): A ``MixupClassifier`` (eval mode):
            with a ``SUMixHead`` the ratio forms are scored, with a label
            rule its labels; an ``AutoMixClassifier`` for the mixer
            ``AutoMix``; None scores ``lam`` only.
        variants (dict, optional): Ratio forms to score (name -> SUMixLoss
            ratio keywords); defaults to :data:`FIDELITY_VARIANTS`.
        seed (int): Seeds the batch order, the mixer's draws and the masks.

    Returns:
        dict: ``(M',)`` arrays: ``s``, ``lam`` and, per variant, ``name``
        (per sample) and ``name [batch mean]``; ``M'`` = full batches only.
    """
    if batch_size < 2:
        raise ValueError(f'batch_size must be >= 2 to mix, got {batch_size}')
    variants = FIDELITY_VARIANTS if variants is None else variants
    mixer = None if is_learned(mixer_cfg) else build_mixer(mixer_cfg)
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    np.random.seed(seed)
    order = torch.randperm(images.size(0), generator=gen)
    out: Dict[str, List[np.ndarray]] = {'s': [], 'lam': []}
    shares = sorted({v['ratio'] for v in variants.values()
                     if v.get('ratio') in ('cam', 'saliency')})
    with torch.no_grad():
        for start in range(0, images.size(0) - batch_size + 1, batch_size):
            idx = order[start:start + batch_size]
            x, y = images[idx], labels[idx]
            mixed, rules = mix_and_label(model, mixer, mixer_cfg, x, y)
            lam = as_lam_tensor(mixed.lam, x.size(0), x.device)
            truth = object_map[idx] if isinstance(
                object_map, torch.Tensor) else object_map(x)
            out['s'].append(semantic_share(mixed, truth).cpu().numpy())
            out['lam'].append(lam.cpu().numpy())
            for name, ratio in rules.items():
                out.setdefault(name, []).append(ratio.cpu().numpy())
            if not hasattr(getattr(model, 'head', None), 'forward_sumix'):
                continue  # no model, or no SUMix head (AutoMix/SAMix)
            fwd = model.sumix_forward(x, mixed, y, shares=shares,
                                      clean=True)
            for name, kwargs in variants.items():
                lt = sumix_terms(fwd['cls_clean'], fwd['cls_mix'],
                                 fwd['unc_clean'], fwd['unc_mix'], y,
                                 mixed.lam, mixed.index,
                                 share=fwd['shares'].get(kwargs['ratio']),
                                 **kwargs).lam_tilde
                out.setdefault(name, []).append(lt.cpu().numpy())
                out.setdefault(f'{name} [batch mean]', []).append(
                    np.full(lt.numel(), float(lt.mean())))
    if not out['s']:
        raise ValueError(f'{images.size(0)} images make no batch of '
                         f'{batch_size}; give more images or a smaller batch')
    return {k: np.concatenate(v) for k, v in out.items()}


def score_ratios(ratios: Dict[str, np.ndarray]) -> Dict[str, dict]:
    """:func:`fidelity_metrics` of every ratio in :func:`gather_ratios`'s
    output against its ``s`` (``lam`` included)."""
    return {
        name: fidelity_metrics(x, ratios['s'], ratios['lam'])
        for name, x in ratios.items() if name != 's'
    }


def best_variant(scores: Dict[str, dict], prefix: str = '') -> Optional[str]:
    """The per-sample ratio form with the lowest ``mae`` (``lam``, batch
    means and names not starting with ``prefix`` excluded)."""
    names = [n for n in scores if n != 'lam' and '[batch mean]' not in n
             and n.startswith(prefix)]
    return min(names, key=lambda n: scores[n]['mae']) if names else None


def markdown_table(scores: Dict[str, dict], title: str = '') -> str:
    """One row per ratio: mae, corr, flip, saturation, mae_hard (n_hard)."""
    lines = [title, ''] if title else []
    lines += ['| ratio | mean abs err | corr | flip | saturation | '
              'mean abs err, hard (n) |', '|:--|--:|--:|--:|--:|--:|']
    for name, m in scores.items():
        lines.append(f'| {name} | {m["mae"]:.3f} | {m["corr"]:.3f} | '
                     f'{m["flip"]:.3f} | {m["saturation"]:.3f} | '
                     f'{m["mae_hard"]:.3f} ({m["n_hard"]}) |')
    return '\n'.join(lines)


def meets_targets(scores: Dict[str, dict], name: str,
                  hard_ratio: float = 0.9) -> bool:
    """The fidelity targets of a ratio form against the area ``lam``:
    ``mae <= lam's``, ``corr >= lam's`` and ``mae_hard <= hard_ratio x
    lam's``."""
    lam, m = scores['lam'], scores[name]
    return (m['mae'] <= lam['mae'] and m['corr'] >= lam['corr']
            and m['mae_hard'] <= hard_ratio * lam['mae_hard'])


def summary_table(scores: Dict[str, Dict[str, dict]],
                  names: Sequence[str]) -> str:
    """One row per (mixer | batch | checkpoint): ``mae / corr / mae_hard``
    of ``lam`` and of each ratio form in ``names``, with a check mark where
    the form meets :func:`meets_targets` ('n/a' where a row lacks a form,
    e.g. a label rule of another mixer; rows with none of them are left
    out)."""
    head = ['mixer, batch, checkpoint', 'area lam'] + list(names)
    lines = ['| ' + ' | '.join(head) + ' |', '|:--' + '|--:' * (
        len(head) - 1) + '|']
    for key, sc in scores.items():
        if not any(n in sc for n in names):
            continue
        cells = [key.replace(' | ', ', ')]
        for name in ['lam'] + list(names):
            if name not in sc:
                cells.append('n/a')
                continue
            m = sc[name]
            ok = ' ✓' if name != 'lam' and meets_targets(sc, name) else ''
            cells.append(f'{m["mae"]:.3f} / {m["corr"]:.2f} / '
                         f'{m["mae_hard"]:.3f}{ok}')
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def scatter_plot(panels: Dict[str, Dict[str, np.ndarray]],
                 names: Sequence[str], path: str) -> None:
    """A grid of scatter plots: rows = panels (e.g. mixer at a batch size),
    columns = ratios ``names`` against the truth ``s``."""
    from ..apis.cli import agg_pyplot, save_figure
    plt = agg_pyplot()
    rows = len(panels)
    fig, axes = plt.subplots(rows, len(names), squeeze=False,
                             figsize=(2.6 * len(names), 2.6 * rows))
    for r, (panel, ratios) in enumerate(panels.items()):
        for c, name in enumerate(names):
            ax = axes[r][c]
            if name not in ratios:
                ax.axis('off')
                continue
            m = fidelity_metrics(ratios[name], ratios['s'], ratios['lam'])
            ax.scatter(ratios['s'], ratios[name], s=3, alpha=0.35)
            ax.plot([0, 1], [0, 1], 'k--', lw=0.8)
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
            ax.set_title(f'{name}\nerr {m["mae"]:.3f}, r {m["corr"]:.2f}',
                         fontsize=7)
            if c == 0:
                ax.set_ylabel(f'{panel}\nratio', fontsize=7)
            if r == rows - 1:
                ax.set_xlabel('true share s', fontsize=7)
            ax.tick_params(labelsize=6)
    save_figure(fig, path, dpi=110)
