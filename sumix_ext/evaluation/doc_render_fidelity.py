"""Renderers of ratio-fidelity files (``ratio_fidelity*.json``) for
:mod:`sumix_ext.evaluation.doc_render`."""
from typing import List

from .doc_render_base import RenderError, _load

RATIO_LABELS = {
    'lam': 'area `lam`',
    'official': 'official',
    'scaled-paper tau=4': 'scaled, paper direction, tau 4',
    'retention eta=0.5': 'retention, eta 0.5',
    'cam blend=0': 'CAM share (model-based), blend 0',
    'cam blend=0.5': 'CAM share, blend 0.5 (the study arm)',
    'saliency blend=0': 'saliency share (model-free), blend 0',
    'snapmix rho_a': "SnapMix's label as trained (rho_a)",
    'snapmix rho_a / (rho_a + rho_b)': "SnapMix's share rho_a / "
                                       '(rho_a + rho_b)',
    'transmix': "TransMix's label (area/attention average)",
    'transmix attention only': "TransMix's attention alone",
    'automix label (drawn lam)': "AutoMix's label as trained (the drawn "
                                 'lam)',
}


# -------------------------------------------------------------- fidelity --

def _fidelity_scores(rep: dict, mixer: str, batch: str) -> dict:
    """The scores of the one checkpoint scored with ``mixer`` at ``batch``
    (the area-only entry left out)."""
    keys = [k for k in rep if k.startswith(f'{mixer} | batch {batch} | ')
            and not k.endswith('| area lam')]
    if len(keys) != 1:
        raise RenderError(f'{mixer} at batch {batch}: {len(keys)} '
                          f'checkpoints in the file ({", ".join(rep)})')
    return rep[keys[0]]


def _fidelity_value(rep: dict, op: str, args: List[str]) -> str:
    mixer, batch, ratio = ' '.join(args).split('|')
    scores = _fidelity_scores(rep, mixer.strip(), batch.strip())
    ratio = ratio.strip()
    if ratio not in scores:
        raise RenderError(f'no ratio {ratio!r} ({", ".join(scores)})')
    m = scores[ratio]
    if op == 'fid':  # "mean abs err / hard-pair err"
        return f'{m["mae"]:.3f} / {m["mae_hard"]:.3f}'
    if op in ('mae', 'mae_hard'):
        return f'{m[op]:.3f}'
    if op == 'corr':
        return f'{m["corr"]:.2f}'
    if op == 'hardx':  # hard-pair error as a multiple of the area's
        return f'{m["mae_hard"] / scores["lam"]["mae_hard"]:.2f}x'
    if op == 'hardshare':
        return f'{100 * m["n_hard"] / m["n"]:.0f} %'
    raise RenderError(f'unknown fidelity placeholder {op!r}')


def fidelity_table(root: str, path: str, mixers: str = 'CutMix',
                   batch: str = '64', ratios: str = '') -> str:
    """Rows: ratio forms (``ratios``, comma-separated, default all per-
    sample forms); columns: ``mixers``; cells: mean |x - s| / the same on
    the hard pairs (|lam - s| > 0.2)."""
    rep = _load(root, path)
    cols = [m.strip() for m in mixers.split(',')]
    scores = {m: _fidelity_scores(rep, m, batch) for m in cols}
    names = [r.strip() for r in ratios.split(',')] if ratios else [
        n for n in scores[cols[0]] if '[batch mean]' not in n]
    lines = ['| ratio | ' + ' | '.join(cols) + ' |',
             '|---' * (len(cols) + 1) + '|']
    for name in names:
        cells = []
        for m in cols:
            s = scores[m].get(name)
            cells.append('n/a' if s is None else
                         f'{s["mae"]:.3f} / {s["mae_hard"]:.3f}')
        lines.append(f'| {RATIO_LABELS.get(name, name)} | ' +
                     ' | '.join(cells) + ' |')
    return '\n'.join(lines)
