"""A study's report files: where they go (a report never replaces one
that holds runs it lacks), atomic writes, and the bar plot.

A study's report (``<out>.md``, ``<out>.json`` and its plot) is often a
committed result. A rerun in which runs failed, or one with fewer arms or
seeds, or of another config, would write a report holding fewer runs over
it. :func:`report_paths` keeps the existing report unless the new one holds
every (arm, seed) run of it, of the same config; otherwise the new report
goes beside it with the suffix ``.new`` (``<out>.new.md``,
``<out>.new.json``, ``<plot stem>.new.png``) and one ``note:`` line says
so and how to merge the two (``--prior <out>.json``). Files are written
atomically (a ``.tmp`` file renamed over the target), so two study
processes never leave a half-written report.
"""
import json
import os
import os.path as osp
import textwrap
from typing import Dict, NamedTuple, Optional, Set, Tuple

#: suffix of a report written beside a kept one
NEW_SUFFIX = '.new'


class ReportPaths(NamedTuple):
    """Where one report is written.

    Attributes:
        out (str): Path stem of the ``.md`` and ``.json`` files.
        plot (str): The bar plot's path ('' = no plot).
        note (str, optional): One line saying that an existing report was
            kept and where this one went; None when ``out`` is the one
            asked for.
    """
    out: str
    plot: str
    note: Optional[str] = None


def report_runs(arms: Dict[str, dict]) -> Set[Tuple[str, str]]:
    """The ``(arm, seed)`` runs of a report's ``arms`` (seeds as strings,
    as JSON keeps them)."""
    return {(arm, str(seed)) for arm, res in arms.items()
            for seed in (res.get('runs') or {})}


def _same_config(a: str, b: str) -> bool:
    return osp.realpath(a) == osp.realpath(b)


def _why_keep(out: str, runs: Set[Tuple[str, str]],
              config: str) -> Optional[str]:
    """Why the existing report at ``out`` must stay, or None."""
    path = out + '.json'
    if not osp.isfile(path):
        return (f'there is no {path} to count its runs' if osp.isfile(
            out + '.md') else None)
    try:
        with open(path) as f:
            old = json.load(f)
        old_runs = report_runs(old['arms'])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f'{path} cannot be read to count its runs ({exc})'
    if old.get('config') and not _same_config(old['config'], config):
        return f"it is a report of another config ({old['config']})"
    missing = sorted(old_runs - runs)
    if not missing:
        return None
    names = ', '.join(f'{arm}_seed{seed}' for arm, seed in missing[:3])
    more = f' and {len(missing) - 3} more' if len(missing) > 3 else ''
    return (f'it holds {len(old_runs)} runs, this report {len(runs)}; '
            f'{len(missing)} of its runs are not in this one: {names}{more}')


def _beside(path: str) -> str:
    stem, ext = osp.splitext(path)
    return stem + NEW_SUFFIX + ext


def report_paths(out: str, plot: str, arms: Dict[str, dict],
                 config: str) -> ReportPaths:
    """Where to write a report of ``arms`` asked for at ``out``.

    Args:
        out (str): The ``--out`` stem (``<out>.md``, ``<out>.json``).
        plot (str): The plot's path ('' = none).
        arms (dict): The new report's arms (:func:`~.study.collect`).
        config (str): The new report's study config.

    Returns:
        ReportPaths: ``out`` and ``plot`` themselves when no report is
        there, or the new one holds every run of it (same config); else
        paths with the ``.new`` suffix and a ``note:`` line.
    """
    why = _why_keep(out, report_runs(arms), config)
    if why is None:
        return ReportPaths(out, plot)
    new_out = out + NEW_SUFFIX
    hint = (f'to merge them, rerun with --prior {out}.json'
            if 'another config' not in why else 'give --out another path')
    note = (f'note: kept the existing report {out}.md/.json ({why}); wrote '
            f'this one to {new_out}.md/.json instead; {hint}')
    return ReportPaths(new_out, _beside(plot) if plot else '', note)


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through ``<path>.tmp.<pid>`` and a rename:
    a reader (or a second writer) sees the old file or the new one."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = f'{path}.tmp.{os.getpid()}'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def bar_plot(results: Dict[str, dict], path: str, title: str = '') -> None:
    """Horizontal bars of validation and test top-1 (mean ± std) per arm."""
    from ..apis.cli import agg_pyplot, save_figure
    plt = agg_pyplot()
    names = [n for n in results if results[n]['val'][0] is not None]
    if not names:
        return
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1.4))
    y = list(range(len(names)))[::-1]
    for off, key, colour in ((0.18, 'val', 'tab:blue'),
                             (-0.18, 'test', 'tab:orange')):
        means = [results[n][key][0] for n in names]
        stds = [results[n][key][1] or 0.0 for n in names]
        ys = [v + off for v, m in zip(y, means) if m is not None]
        ax.barh(ys, [m for m in means if m is not None], height=0.34,
                xerr=[s for s, m in zip(stds, means) if m is not None],
                color=colour, label=key, capsize=2)
    lows = [results[n][k][0] - (results[n][k][1] or 0) for n in names
            for k in ('val', 'test') if results[n][k][0] is not None]
    highs = [results[n][k][0] + (results[n][k][1] or 0) for n in names
             for k in ('val', 'test') if results[n][k][0] is not None]
    ax.set_xlim(min(lows) - 1, max(highs) + 0.5)
    ax.set_yticks(y)
    ax.set_yticklabels([f'{results[n]["label"]} (n={results[n]["val"][2]})'
                        for n in names], fontsize=8)
    ax.set_xlabel('top-1 (%), mean ± std over seeds')
    # a long config name wraps instead of running off the figure
    ax.set_title('\n'.join(textwrap.wrap(title, 70)), fontsize=9)
    ax.legend(fontsize=8, loc='lower right')
    save_figure(fig, path)
