"""Renderers of study reports (``sumix_study*.json``) for
:mod:`sumix_ext.evaluation.doc_render`."""
from typing import List

from .doc_render_base import RenderError, _load, _sd

#: the study report's three gate lines: JSON key, title, verdict words
GATES = (
    ('gate', 'Gate (CutMix - no mixing, validation)', ('passed', 'FAILED')),
    ('oracle_room', 'Room for a ratio correction (oracle - CutMix, '
     'validation)', ('yes', 'no')),
    ('oracle_gate', 'Oracle gate (oracle - no mixing, validation)',
     ('passed', 'FAILED')),
)
#: ratio names of the fidelity tool -> the words the docs use


# ----------------------------------------------------------------- study --

def _check(arms: dict, low: str, high: str) -> dict:
    """``high`` - ``low`` on validation: diff, combined std, z, n."""
    from .study import gate
    for a in (low, high):
        if a not in arms:
            raise RenderError(f'no arm {a!r} (arms: {", ".join(arms)})')
    check = gate(arms, low, high)
    if check is None:
        raise RenderError(f'{low!r} or {high!r} has fewer than 2 seeds')
    return check


def study_report(root: str, path: str) -> str:
    """The study tool's report of a study JSON: the arm table (against
    CutMix and no mixing), the gate lines, the claim check and each arm
    against its own mixer (as ``tools/analysis_tools/sumix_study.py``
    writes them)."""
    from .study import markdown_table
    from .study_target import own_mixer_report, target_report
    rep = _load(root, path)
    arms = rep['arms']
    text = markdown_table(arms, 'cutmix' if 'cutmix' in arms else None,
                          rep.get('last_k', 5), second='vanilla')
    for key, title, verdicts in GATES:
        c = rep.get(key)
        if c:
            text += (f'\n\n{title}: {c["diff"]:+.2f} points = '
                     f'{c["z"]:.1f} combined stds '
                     f'({verdicts[0] if c["passed"] else verdicts[1]}: '
                     'needs > 2)')
    _, table = target_report(arms)
    if table:
        text += '\n\n' + table
    mixers = {a: c['mixer'] for a, c in (rep.get('vs_mixer') or {}).items()}
    _, table = own_mixer_report(arms, mixers)
    if table:
        text += '\n\n' + table
    return text


def study_seeds(root: str, path: str) -> str:
    """Every arm's validation metric per seed, in seed order."""
    arms = _load(root, path)['arms']
    parts = []
    for res in arms.values():
        runs = sorted(res['runs'].items(), key=lambda kv: int(kv[0]))
        parts.append(res['label'] + ' ' +
                     ', '.join(f'{r["val"]:.2f}' for _, r in runs))
    return 'Per seed (validation): ' + '; '.join(parts) + '.'


def study_overview(root: str, *regimes: str) -> str:
    """Several regimes in one table: each arm's validation top-1 and its
    difference from CutMix and from no mixing in combined stds. Each
    argument is ``FILE:regime words``."""
    lines = ['| regime | arm | val top-1 (n) | vs CutMix (combined sd) | '
             'vs no mixing (combined sd) |', '|---|---|---|---|---|']
    for spec in regimes:
        path, _, name = spec.partition(':')
        arms = _load(root, path)['arms']
        for arm, res in arms.items():
            mean, _, n = res['val']
            cells = [name, res['label'], f'{mean:.2f} (n={n})']
            for ref in ('cutmix', 'vanilla'):
                if arm == ref or ref not in arms or n < 2 or \
                        arms[ref]['val'][2] < 2:
                    cells.append('n/a')
                    continue
                c = _check(arms, ref, arm)
                cells.append(f'{c["diff"]:+.2f} ({_sd(c["z"])})')
            lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def study_gates(root: str, *regimes: str) -> str:
    """One row per regime (``FILE:regime words``): does mixing pay (CutMix
    and the oracle against no mixing) and is there room for a label
    correction (the oracle against CutMix), each in points and combined
    stds; a regime *counts* when the oracle beats no mixing by > 2
    combined stds with both at n >= 5 (the claim's n)."""
    lines = ['| regime | CutMix vs no mixing | oracle vs no mixing (the '
             'gate) | oracle vs CutMix (room for a correction) | counts |',
             '|---|---|---|---|---|']
    for spec in regimes:
        path, _, name = spec.partition(':')
        arms = _load(root, path)['arms']
        cells, passed = [name], None
        for low, high in (('vanilla', 'cutmix'), ('vanilla', 'oracle'),
                          ('cutmix', 'oracle')):
            if {low, high} <= set(arms) and min(
                    arms[low]['val'][2], arms[high]['val'][2]) >= 2:
                c = _check(arms, low, high)
                n = min(c['n'])
                cells.append(f'{c["diff"]:+.2f} ({_sd(c["z"])} sd, n={n})')
                if (low, high) == ('vanilla', 'oracle'):
                    passed = c['passed'] and n >= 5 or \
                        ('passed at n < 5' if c['passed'] else False)
            else:
                cells.append('not run')
        cells.append('n/a' if passed is None else passed
                     if isinstance(passed, str) else
                     ('**yes**' if passed else 'no'))
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _study_value(rep: dict, op: str, args: List[str]) -> str:
    arms = rep['arms']

    def arm(name):
        if name not in arms:
            raise RenderError(f'no arm {name!r} (arms: {", ".join(arms)})')
        return arms[name]

    if op in ('val', 'test'):  # mean of one arm
        return f'{arm(args[0])[op][0]:.2f}'
    if op == 'sd':
        return f'{arm(args[0])["val"][1]:.2f}'
    if op == 'n':
        return str(arm(args[0])['val'][2])
    if op in ('diff', 'tdiff'):  # B - A, validation (or test) means
        key = 'val' if op == 'diff' else 'test'
        return f'{arm(args[1])[key][0] - arm(args[0])[key][0]:+.2f}'
    if op == 'z':
        return _sd(_check(arms, args[0], args[1])['z'])
    if op == 'vs':  # "+0.08 (0.2 sd)"
        c = _check(arms, args[0], args[1])
        return f'{c["diff"]:+.2f} ({_sd(c["z"])} sd)'
    if op == 'seeds':
        runs = sorted(arm(args[0])['runs'].items(), key=lambda kv: int(kv[0]))
        return ', '.join(f'{r["val"]:.2f}' for _, r in runs)
    if op == 'seeddiff':  # per seed B - A, seeds both ran
        a, b = arm(args[0])['runs'], arm(args[1])['runs']
        seeds = sorted(set(a) & set(b), key=int)
        return ', '.join(f'{b[s]["val"] - a[s]["val"]:+.2f}' for s in seeds)
    if op == 'claim':  # the claim check over every non-oracle arm
        from .study_target import REFERENCES, target
        checks = {a: target(arms, a) for a in arms
                  if a not in REFERENCES and a != 'oracle'}
        checks = {a: c for a, c in checks.items() if c is not None}
        met = [arms[a]['label'] for a, c in checks.items() if c['met']]
        if met:
            return 'met by ' + ', '.join(met)
        if not checks:
            return 'not checked (no arm with 2 seeds)'
        a, c = max(checks.items(), key=lambda kv: kv[1]['diff'])
        return (f'met by no arm (the largest lead over '
                f'{arms[c["ref"]]["label"]}: {arms[a]["label"]}, '
                f'{c["diff"]:+.2f}, {_sd(c["z"])} sd, n={c["n"][0]})')
    if op == 'label':
        return arm(args[0])['label']
    if op == 'met':  # the claim check of one arm: 'met' / 'missed'
        from .study_target import target
        t = target(arms, args[0])
        if t is None:
            raise RenderError(f'no claim check for {args[0]!r}')
        return 'met' if t['met'] else 'missed'
    raise RenderError(f'unknown study placeholder {op!r}')
