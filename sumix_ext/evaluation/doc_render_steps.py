"""Renderers of step benchmarks (``benchmark_*.json``) for
:mod:`sumix_ext.evaluation.doc_render`."""
import os.path as osp
from typing import List

from ..benchmark.variants import VIT_VARIANTS
from .doc_render_base import RenderError, _load


# ------------------------------------------------------------- step cost --

def machine_line(res: dict) -> str:
    """When and where a benchmark ran, from its JSON."""
    m, s = res['machine'], res['settings']
    where = m.get('gpu') or f'{m["cpu"]}, {m["cpu_count"]} cores'
    return (f'{res["date"]}, {where}, torch {m["torch"]}, '
            f'{m["threads"]} thread(s), {s["dtype"]}, {s["clock"]} clock, '
            f'median of {s["repeats"]} round-robin rounds')


def step_table(root: str, path: str, refs: str = 'b') -> str:
    """Every variant of a step benchmark: median step, its time against
    its reference (ratio of medians / median of per-round ratios, as the
    file pairs them) and the target where the file sets one; headed by the
    run's date and machine. ``refs``: the reference variants,
    comma-separated (``b`` the plain CutMix step)."""
    refs_ = refs.split(',')
    ref = refs_[0]
    res = _load(root, path)
    s = res['settings']
    pairs = {**res.get('ratios', {}), **res.get('references', {})}
    vit = any(v in VIT_VARIANTS for v in res['variants'])
    vit = '; the (v*) variants: a ViT, deit-tiny arch, 8x8 tokens' \
        if vit else ''
    lines = [f'Measured {machine_line(res)}; ResNet-18 CIFAR (width '
             f'{s["width"]}{vit}), batch {s["batch_size"]}, '
             f'3x{s["img_size"]}x{s["img_size"]}, {s["num_classes"]} '
             f'classes ([{osp.basename(path)}]({path})).', '',
             '| variant | median step (ms) | time ratio: of medians / '
             'median of per-round ratios | target |', '|---|---|---|---|']
    mem = {v: (r.get('memory') or {}).get('peak_mb')
           for v, r in res['variants'].items()}
    with_mem = any(m is not None for m in mem.values())
    if with_mem:  # peak memory beside each step, against the reference's
        lines[-2] = lines[-2] + ' peak memory (MB, vs reference) |'
        lines[-1] = lines[-1] + '---|'
    for v, r in res['variants'].items():
        pair = next((k for k in pairs if k.split('/')[0] == v), None) or \
            next((k for k in pairs if k == f'{ref}/{v}'), None)
        if v in refs_:
            ratio, target = 'reference', '-'
        elif pair is None:
            ratio, target = 'n/a', '-'
        else:
            p = pairs[pair]
            ratio = f'{pair}: {p["value"]:.3f} / {p["paired_median"]:.3f}'
            target = (f'{p["target"]}: {"met" if p["met"] else "missed"}'
                      if 'target' in p else '-')
        row = (f'| ({v}) {r["name"]} | {r["median_ms"]:.0f} | '
               f'{ratio} | {target} |')
        if with_mem:  # against the denominator of its own ratio
            base = mem.get(pair.split('/')[1] if pair else ref)
            row += (' n/a |' if mem[v] is None else
                    f' {mem[v]:.0f} |' if v in refs_ or not base else
                    f' {mem[v]:.0f} ({mem[v] / base:.2f}x) |')
        lines.append(row)
    return '\n'.join(lines)


def step_targets(root: str, *paths: str) -> str:
    """Every target a step benchmark file checks, one row each, with the
    date and machine of its run."""
    lines = ['| target | measured: ratio of medians / median of per-round '
             'ratios | verdict | run |', '|---|---|---|---|']
    for path in paths:
        res = _load(root, path)
        for name, r in res.get('ratios', {}).items():
            lines.append(f'| ({name}) time {r["target"]} | '
                         f'{r["value"]:.3f} / {r["paired_median"]:.3f} | '
                         f'{"met" if r["met"] else "missed"} | '
                         f'{res["date"]}, {res["machine"]["cpu"]} |')
        for name, r in res.get('components', {}).items():
            if 'target' in r:
                lines.append(f'| {name} {r["target"]} of a (b) step | '
                             f'{r["pct_of_b"]:.2f} % | '
                             f'{"met" if r["met"] else "missed"} | '
                             f'{res["date"]}, {res["machine"]["cpu"]} |')
    return '\n'.join(lines)


def _step_value(res: dict, op: str, args: List[str]) -> str:
    if op == 'date':
        return res['date']
    if op == 'machine':
        return machine_line(res)
    if op == 'ms':
        return f'{res["variants"][args[0]]["median_ms"]:.0f}'
    if op == 'ratio':  # "1.502 / 1.320"
        pairs = {**res.get('ratios', {}), **res.get('references', {})}
        if args[0] not in pairs:
            raise RenderError(f'no ratio {args[0]!r} ({", ".join(pairs)})')
        p = pairs[args[0]]
        return f'{p["value"]:.3f} / {p["paired_median"]:.3f}'
    if op == 'ratio1':  # the ratio of medians alone, 2 decimals
        pairs = {**res.get('ratios', {}), **res.get('references', {})}
        return f'{pairs[args[0]]["value"]:.2f}'
    if op == 'mem':  # peak memory ratio of two variants, "1.98x"
        mem = {v: (r.get('memory') or {}).get('peak_mb')
               for v, r in res['variants'].items()}
        if mem.get(args[0]) is None or not mem.get(args[1]):
            raise RenderError(f'no peak memory of {args[0]!r} and '
                              f'{args[1]!r} in this run')
        return f'{mem[args[0]] / mem[args[1]]:.2f}x'
    if op == 'pct':
        return f'{res["components"][" ".join(args)]["pct_of_b"]:.2f} %'
    if op == 'maxmixer':  # the dearest mixer alone, as a share of a step
        mixers = {k: v for k, v in res['components'].items()
                  if k.startswith('Batch') and 'pct_of_b' in v}
        name = max(mixers, key=lambda k: mixers[k]['pct_of_b'])
        return f'{mixers[name]["pct_of_b"]:.2f} % (`{name}`)'
    raise RenderError(f'unknown step-cost placeholder {op!r}')
