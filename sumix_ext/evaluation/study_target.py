"""The study's claim check: does an arm beat the *better* of CutMix and no
mixing by enough to be worth turning on?

The gate (:func:`sumix_ext.evaluation.study.gate`) asks whether a regime
can show an effect; this asks whether an arm shows one. An arm ``a`` meets
the target against references ``R`` (default CutMix and no mixing) when,
with :math:`r^* = \\arg\\max_{r \\in R} \\bar v_r` (validation means; only
references with at least 2 seeds compete),

.. math::

    \\bar v_a - \\bar v_{r^*} \\ge m \\quad\\text{and}\\quad
    \\bar v_a - \\bar v_{r^*} > z \\sqrt{s_a^2 + s_{r^*}^2}
    \\quad\\text{and}\\quad n_a, n_{r^*} \\ge n_{\\min},

with the margin ``m = 0.5`` points, ``z = 2`` and ``n_min = 5`` by default
(issue #18's target). The oracle's row of the same check is the oracle's
room over the better reference.

An arm whose mixer is not CutMix (FMix + a SUMix ratio) is also compared
with its own mixer under the area label (:func:`own_mixer_report`):
:math:`\\bar v_a - \\bar v_m` in points and in combined stds
:math:`\\sqrt{s_a^2 + s_m^2}` - what the label correction adds to *that*
mixer, which the CutMix column cannot tell.
"""
from typing import Dict, Mapping, Optional, Sequence

from .study import gate

REFERENCES = ('cutmix', 'vanilla')


def _sds(z: float) -> str:
    """A difference in combined stds, one decimal, never ``-0.0``."""
    text = f'{z:.1f}'
    return '0.0' if text == '-0.0' else text


def better_reference(results: Dict[str, dict],
                     refs: Sequence[str] = REFERENCES) -> Optional[str]:
    """The reference arm with the higher validation mean (>= 2 seeds), or
    None while no reference has 2 seeds."""
    ready = [r for r in refs
             if r in results and results[r]['val'][2] >= 2]
    return max(ready, key=lambda r: results[r]['val'][0]) if ready else None


def target(results: Dict[str, dict], arm: str,
           refs: Sequence[str] = REFERENCES, margin: float = 0.5,
           z: float = 2.0, min_n: int = 5) -> Optional[dict]:
    """``arm`` against the better of ``refs`` (see the module docstring).

    Returns:
        dict | None: ``ref`` (the better reference), ``diff``,
        ``combined_std``, ``z``, ``n`` (arm, reference) and ``met``; None
        while ``arm`` or every reference has fewer than 2 seeds.
    """
    ref = better_reference(results, refs)
    if ref is None or arm not in results or results[arm]['val'][2] < 2:
        return None
    check = gate(results, ref, arm, z)  # the same combined-std test
    nr, na = check.pop('n')
    passed = check.pop('passed')
    return dict(ref=ref, **check, n=(na, nr),
                met=bool(passed and check['diff'] >= margin
                         and min(na, nr) >= min_n))


def target_report(results: Dict[str, dict],
                  refs: Sequence[str] = REFERENCES, margin: float = 0.5,
                  z: float = 2.0, min_n: int = 5) -> tuple:
    """Every non-reference arm against the better reference.

    Returns:
        tuple: ``({arm: target(...)}, markdown)``; ``({}, '')`` while no
        reference has 2 seeds.
    """
    ref = better_reference(results, refs)
    if ref is None:
        return {}, ''
    checks = {a: target(results, a, refs, margin, z, min_n)
              for a in results if a not in refs}
    checks = {a: c for a, c in checks.items() if c is not None}
    if not checks:
        return {}, ''
    lines = [f'Against the better of CutMix and no mixing '
             f'({results[ref]["label"]}, validation; the target: '
             f'>= +{margin:g} points and > {z:g} combined stds at '
             f'n >= {min_n}):', '',
             '| arm | val - ' + results[ref]['label'] +
             ' | combined stds | n | target |', '|---|---|---|---|---|']
    for a, c in checks.items():
        lines.append(f'| {results[a]["label"]} | {c["diff"]:+.2f} | '
                     f'{_sds(c["z"])} | {c["n"][0]} | '
                     f'{"met" if c["met"] else "missed"} |')
    return checks, '\n'.join(lines)


def own_mixer_report(results: Dict[str, dict],
                     mixers: Mapping[str, str]) -> tuple:
    """Each arm against the arm that is its mixer with the area label.

    Args:
        results (dict): :func:`~.study.collect`'s output.
        mixers (Mapping[str, str]): ``{arm: its mixer's arm}``, e.g.
            ``{'fmix-saliency': 'fmix'}`` (:attr:`~.study.Arm.mixer_arm`).

    Returns:
        tuple: ``({arm: check}, markdown)``, a check being :func:`~.study.
        gate`'s dict (``diff``, ``combined_std``, ``z``, ``passed`` at 2
        stds, ``n`` = (mixer, arm)) plus ``mixer``; only pairs with both
        arms at >= 2 seeds; ``({}, '')`` when there are none.
    """
    checks = {}
    for arm, mixer in mixers.items():
        if arm in results and mixer in results:
            check = gate(results, mixer, arm)
            if check is not None:
                checks[arm] = dict(mixer=mixer, **check)
    if not checks:
        return {}, ''
    lines = ['Against its own mixer with the area label (validation; what '
             'the label correction adds to that mixer):', '',
             '| arm | its mixer | val - its mixer | combined stds | '
             'n (arm, mixer) |', '|---|---|---|---|---|']
    for a, c in checks.items():
        lines.append(f'| {results[a]["label"]} | '
                     f'{results[c["mixer"]]["label"]} | {c["diff"]:+.2f} | '
                     f'{_sds(c["z"])} | '
                     f'{c["n"][1]}, {c["n"][0]} |')
    return checks, '\n'.join(lines)
