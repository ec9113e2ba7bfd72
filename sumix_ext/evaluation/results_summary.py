"""Summarise ``work_dirs/``: top-1 per run, seeds grouped, paper table."""
import glob
import os
import os.path as osp
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .run_logs import VAL_TOP1, find_json_logs, load_records, median_of_last
from .run_logs import split_records

SEED_REGEX = r'^(.*?)(?:[_-]seed\d+)?$'
# config-name token -> label used for runs with a dumped config
KNOWN_MIXERS = {
    'mixup': 'Mixup', 'cutmix': 'CutMix', 'saliencymix': 'SaliencyMix',
    'fmix': 'FMix', 'resizemix': 'ResizeMix', 'gridmix': 'GridMix',
    'smoothmix': 'SmoothMix', 'randommixer': 'RandomMixer'
}


@dataclass
class RunResult:
    """Validation top-1 of one run (one work dir).

    Attributes:
        name (str): Work dir name (usually the config name).
        work_dir (str): Path of the work dir.
        final (float): Last validation top-1.
        median_last (float): Median of the last ``k`` validation top-1.
        n_val (int): Number of validation results logged.
        mixer (str): Mixer label, e.g. ``'CutMix'``.
        sumix (bool): Whether the run used the SUMix loss.
        folder (str): Parent folder relative to the summarised root (``''``
            for runs directly in it); a study folder is one setting.
    """
    name: str
    work_dir: str
    final: float
    median_last: float
    n_val: int
    mixer: str
    sumix: bool
    folder: str = ''


@dataclass
class GroupResult:
    """Runs that differ only by seed: mean and sample std (ddof=1; 0 for
    a single run) of their final and median-of-last-k top-1.

    Attributes:
        name (str): Group name (``folder/`` + the run name without its seed
            suffix).
        setting (str): The runs' folder below the root, or for runs
            directly in the root, the name without its mixer and SUMix
            tokens; the groups of one setting form one paper table.
        mixer (str): Mixer label.
        sumix (bool): SUMix on or off.
        runs (list[RunResult]): The seeds.
    """
    name: str
    setting: str
    mixer: str
    sumix: bool
    runs: List[RunResult] = field(default_factory=list)

    def stat(self, metric: str) -> Tuple[float, float]:
        """``(mean, std)`` of ``metric`` (``'final'`` or ``'median_last'``)
        over the seeds."""
        values = np.array([getattr(r, metric) for r in self.runs], float)
        std = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        return float(values.mean()), std


def mixer_label(mixer_cfg: Optional[dict]) -> str:
    """Readable name of a mixer config: ``BatchCutMix`` -> ``CutMix``,
    ``RandomMixer`` -> ``RandomMixer(CutMix+Mixup)``, None -> ``none``."""
    if not mixer_cfg:
        return 'none'
    name = str(mixer_cfg.get('type', 'unknown'))
    name = name[len('Batch'):] if name.startswith('Batch') else name
    if mixer_cfg.get('mixers'):
        name += '(' + '+'.join(mixer_label(m) for m in mixer_cfg['mixers'])
        name += ')'
    return name


def mixer_from_name(name: str) -> Tuple[str, bool]:
    """Guess ``(mixer, sumix)`` from a config name such as
    ``resnet18_cutmix-sumix_fmnist`` (``('CutMix', True)``) when the run
    has no dumped config."""
    parts = name.split('_')
    for part in parts:
        low = part.lower()
        if 'sumix' in low:
            base = re.sub(r'[-+]?sumix', '', low).strip('-+')
            return KNOWN_MIXERS.get(base, base or 'unknown'), True
    for part in parts:
        if part.lower() in KNOWN_MIXERS:
            return KNOWN_MIXERS[part.lower()], False
    return 'unknown', False


def _dumped_config(work_dir: str, name: str) -> Optional[str]:
    candidates = [osp.join(work_dir, f'{name}.py')]
    candidates += sorted(glob.glob(osp.join(work_dir, '*.py')))
    candidates += sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                            'config.py')))[::-1]
    return next((c for c in candidates if osp.isfile(c)), None)


def mixer_of_run(work_dir: str, name: str) -> Tuple[str, bool]:
    """``(mixer label, sumix on)`` from the run's dumped config (robust),
    else from its name (:func:`mixer_from_name`)."""
    path = _dumped_config(work_dir, name)
    if path is not None:
        from mmengine.config import Config
        try:
            cfg = Config.fromfile(path, import_custom_modules=False)
            model = cfg.get('model', {})
            if 'mixer' in model or 'sumix' in model:
                return (mixer_label(model.get('mixer')),
                        model.get('sumix') is not None)
        except Exception:  # a config we cannot parse: use the name
            pass
    return mixer_from_name(name)


def summarize_run(work_dir: str, k: int = 10) -> Optional[RunResult]:
    """Read one work dir; None if it logged no validation top-1.

    Args:
        work_dir (str): A run's work dir.
        k (int): Window of the median of the last ``k`` results.

    Returns:
        RunResult | None: The run's numbers.
    """
    _, val = split_records(load_records(work_dir))
    top1 = [r[VAL_TOP1] for r in val]
    if not top1:
        return None
    name = osp.basename(osp.normpath(work_dir))
    mixer, sumix = mixer_of_run(work_dir, name)
    return RunResult(name=name, work_dir=work_dir, final=float(top1[-1]),
                     median_last=median_of_last(top1, k), n_val=len(top1),
                     mixer=mixer, sumix=sumix)


def collect_runs(root: str, k: int = 10) -> List[RunResult]:
    """Every run under ``root`` (any depth) with validation results.

    Args:
        root (str): Usually ``work_dirs``.
        k (int): Window of the median of the last ``k`` results.

    Returns:
        list[RunResult]: Sorted by name.
    """
    if not osp.isdir(root):
        raise FileNotFoundError(f'work dir root not found: {root}; pass the '
                                'folder that holds the runs (e.g. work_dirs)')
    runs = []
    for dirpath, dirnames, _ in os.walk(root):
        if find_json_logs(dirpath):
            run = summarize_run(dirpath, k)
            if run is not None:
                run.folder = osp.relpath(osp.dirname(dirpath), root)
                run.folder = '' if run.folder == '.' else run.folder
                runs.append(run)
            dirnames[:] = []  # runs do not nest
    return sorted(runs, key=lambda r: (r.folder, r.name))


def setting_of(name: str, mixer: str) -> str:
    """The group name without its mixer and SUMix tokens: runs of one
    setting (model, data, schedule) share a paper table."""
    keep = []
    mixer_low = mixer.lower().split('(')[0]
    for part in name.split('_'):
        part = re.sub(r'[-+]?sumix', '', part, flags=re.I).strip('-+')
        if part and part.lower() not in (mixer_low, *KNOWN_MIXERS):
            keep.append(part)
    return '_'.join(keep) or name


def group_runs(runs: Sequence[RunResult],
               regex: str = SEED_REGEX) -> List[GroupResult]:
    """Group runs that differ only by seed.

    Args:
        runs (Sequence[RunResult]): From :func:`collect_runs`.
        regex (str): Its first capture group (or whole match) of the run
            name is the group key; default strips a ``_seed<k>`` or
            ``-seed<k>`` suffix. Names that do not match form their own
            group.

    Returns:
        list[GroupResult]: Sorted by name.
    """
    try:
        pattern = re.compile(regex)
    except re.error as exc:
        raise ValueError(f'--group-regex {regex!r} is not a valid regular '
                         f'expression ({exc})') from exc
    groups: Dict[str, GroupResult] = {}
    for run in runs:
        match = pattern.search(run.name)
        key = run.name
        if match:
            key = match.group(1) if pattern.groups else match.group(0)
        key = osp.join(run.folder, key or run.name)
        if key not in groups:
            setting = run.folder or setting_of(key, run.mixer)
            groups[key] = GroupResult(key, setting, run.mixer, run.sumix)
        groups[key].runs.append(run)
    return [groups[k] for k in sorted(groups)]


def _cell(group: Optional[GroupResult], metric: str) -> str:
    if group is None:
        return '-'
    mean, std = group.stat(metric)
    return f'{mean:.2f} ± {std:.2f}' if len(group.runs) > 1 else f'{mean:.2f}'


def paper_tables(groups: Sequence[GroupResult],
                 metric: str = 'median_last') -> str:
    """Markdown tables shaped like the paper's: one per setting, rows =
    mixers, columns = baseline, +SUMix, gain (difference of the means).

    A setting with several SUMix variants of one mixer (e.g.
    ``cutmix_sumix-batch`` and ``cutmix_sumix-sample``) gets one row per
    variant, named ``mixer (group)``, each against the same baseline.

    Args:
        groups (Sequence[GroupResult]): From :func:`group_runs`.
        metric (str): ``'median_last'`` (default) or ``'final'``.

    Returns:
        str: Markdown.
    """
    settings: Dict[str, Dict[str, Tuple[list, list]]] = {}
    for g in groups:
        cell = settings.setdefault(g.setting, {}).setdefault(g.mixer,
                                                             ([], []))
        cell[int(g.sumix)].append(g)
    out = []
    for setting in sorted(settings):
        out += [f'**{setting}** (top-1 %, {metric.replace("_", " ")})', '',
                '| Mixer | Baseline | +SUMix | Gain |',
                '|:--|--:|--:|--:|']
        for mixer, (bases, ours) in sorted(settings[setting].items()):
            base = bases[0] if bases else None
            rows = []
            for g in ours or [None]:
                tag = g.name if len(ours) > 1 else (
                    base.name if len(bases) > 1 else None)
                rows.append((f'{mixer} ({tag})' if tag else mixer, base, g))
            rows += [(f'{mixer} ({b.name})', b, None) for b in bases[1:]]
            for name, b, g in rows:
                gain = '-'
                if b is not None and g is not None:
                    gain = f'{g.stat(metric)[0] - b.stat(metric)[0]:+.2f}'
                out.append(f'| {name} | {_cell(b, metric)} | '
                           f'{_cell(g, metric)} | {gain} |')
        out.append('')
    return '\n'.join(out)


def runs_table(groups: Sequence[GroupResult], k: int = 10) -> str:
    """Markdown table with one row per group: seeds, final and
    median-of-last-k top-1 (mean ± std over seeds)."""
    out = [f'| Run | Mixer | SUMix | Seeds | Final top-1 | '
           f'Median last {k} |', '|:--|:--|:--|--:|--:|--:|']
    for g in groups:
        out.append(f'| {g.name} | {g.mixer} | {"yes" if g.sumix else "no"} '
                   f'| {len(g.runs)} | {_cell(g, "final")} | '
                   f'{_cell(g, "median_last")} |')
    return '\n'.join(out) + '\n'
