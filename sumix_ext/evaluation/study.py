"""A resumable multi-seed study: arms x seeds of ``tools/train.py`` runs on
one fixed config, each tested once, summarised as one table.

The study logic lives here; ``tools/analysis_tools/sumix_study.py`` only
parses arguments. One run = one arm (a list of ``--cfg-options``) at one seed:

* training: ``tools/train.py CONFIG --work-dir ROOT/<arm>_seed<s>
  --cfg-options randomness.seed=<s> <arm options>``; a run whose final
  checkpoint exists is skipped, one with an earlier checkpoint continues with
  ``--resume``, so a killed study resumes where it stopped;
* the validation metric is the median top-1 of the last ``k`` validated
  epochs, read from the run's MMEngine logs (validation split of the config:
  every choice of the study is made on it);
* the test set is evaluated **once**, on the final checkpoint
  (``tools/test.py ... --out ROOT/<run>/test_metrics.pkl --out-item
  metrics``), and reported beside the validation metric, never used to
  choose anything.

Per arm: mean, sample std and ``n`` (finished seeds). :func:`gate` checks
that the regime can show an effect: arm ``b`` beats arm ``a`` by more than
``z`` combined standard deviations, :math:`\\bar b - \\bar a > z
\\sqrt{s_a^2 + s_b^2}`.
"""
import glob
import os
import os.path as osp
import pickle
import statistics
import subprocess
import sys
import time
from typing import Dict, List, NamedTuple, Optional, Sequence

from .run_logs import VAL_TOP1, load_records, median_of_last, split_records
from .study_regime import (ORACLE_LEAF, RUN_RECORD,  # noqa: F401
                           RegimeMismatch, _with_prior, check_run_config,
                           load_prior,
                           object_mask_packed, oracle_mixer, run_config,
                           write_oracle_config, write_run_record)
from .study_report import bar_plot  # noqa: F401


class Arm(NamedTuple):
    """One arm of a study.

    Attributes:
        name (str): Short id, used in work-dir names (``cutmix-official``).
        label (str): Row label of the table.
        options (tuple[str]): ``--cfg-options`` of the arm (``key=value``).
        config (str, optional): A config of its own (e.g. a leaf of the
            study config that swaps the mixer), else the study's.
        mixer_arm (str, optional): The arm that is this arm's mixer with
            its plain area label (``'fmix'`` for FMix + a SUMix ratio), when
            that is not the study's CutMix: the report also compares the
            arm with it (:func:`~.study_target.own_mixer_report`).
    """
    name: str
    label: str
    options: Sequence[str]
    config: Optional[str] = None
    mixer_arm: Optional[str] = None


def run_name(arm: str, seed: int) -> str:
    """Work-dir name of one run: ``<arm>_seed<seed>``."""
    return f'{arm}_seed{seed}'


def study_log_name() -> str:
    """This study process's log file name in a run folder:
    ``study_stdout_<YYYYmmdd_HHMMSS>_pid<pid>.log``."""
    return (f'study_stdout_{time.strftime("%Y%m%d_%H%M%S")}_pid'
            f'{os.getpid()}.log')


def last_line(path: str, tail: int = 4096) -> str:
    """The last non-empty line of a log (read from its last ``tail``
    bytes), '' for an empty one."""
    with open(path, 'rb') as f:
        f.seek(max(0, f.seek(0, os.SEEK_END) - tail))
        lines = f.read().decode(errors='replace').strip().splitlines()
    return lines[-1].strip() if lines else ''


def final_checkpoint(work_dir: str, max_epochs: int) -> str:
    """Path of the last epoch's checkpoint of a run."""
    return osp.join(work_dir, f'epoch_{max_epochs}.pth')


def train_command(config: str, work_dir: str, arm: Arm, seed: int,
                  resume: bool, nice: int = 10) -> List[str]:
    """The ``tools/train.py`` command of one run."""
    cmd = ['nice', '-n', str(nice)] if nice else []
    cmd += [sys.executable, 'tools/train.py', arm.config or config,
            '--work-dir', work_dir]
    if resume:
        cmd.append('--resume')
    return cmd + ['--cfg-options', f'randomness.seed={seed}', *arm.options]


def test_command(config: str, work_dir: str, arm: Arm, checkpoint: str,
                 nice: int = 10) -> List[str]:
    """The ``tools/test.py`` command that evaluates a run once."""
    cmd = ['nice', '-n', str(nice)] if nice else []
    return cmd + [
        sys.executable, 'tools/test.py', arm.config or config, checkpoint,
        '--work-dir',
        osp.join(work_dir, 'test'), '--out',
        osp.join(work_dir, 'test_metrics.pkl'), '--out-item', 'metrics',
    ] + (['--cfg-options', *arm.options] if arm.options else [])


def run_study(config: str, arms: Sequence[Arm], seeds: Sequence[int],
              work_root: str, max_epochs: int, repo: str = '.',
              nice: int = 10, dry_run: bool = False, log=print,
              log_name: Optional[str] = None) -> Dict[str, str]:
    """Train and test every missing run, one after another, seed-major.

    The output of a run's commands goes to its own folder, in a log file
    of this study process (:func:`study_log_name`), so two studies that
    meet in one run folder never write into one file.

    Args:
        config (str): The fixed study config.
        arms (Sequence[Arm]): The arms.
        seeds (Sequence[int]): Seeds (``randomness.seed``).
        work_root (str): One sub-folder per run is made here.
        max_epochs (int): ``train_cfg.max_epochs`` of ``config``.
        repo (str): Repository root (where ``tools/`` is).
        nice (int): ``nice`` level of the runs (0: off).
        dry_run (bool): Print the commands only.
        log (callable): Progress printer.
        log_name (str, optional): The runs' log file name (default:
            :func:`study_log_name`).

    Returns:
        dict[str, str]: ``{run name: its log file}`` of the runs that failed
        (rerun to retry them); empty when every run finished.
    """
    log_name = log_name or study_log_name()
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    plan = [(arm, seed) for seed in seeds for arm in arms]
    failed = {}
    for i, (arm, seed) in enumerate(plan, 1):
        name = run_name(arm.name, seed)
        work_dir = osp.join(work_root, name)
        ckpt = final_checkpoint(work_dir, max_epochs)
        metrics = osp.join(work_dir, 'test_metrics.pkl')
        steps = []
        if not osp.exists(ckpt):
            resume = bool(glob.glob(osp.join(work_dir, 'epoch_*.pth')))
            steps.append(train_command(config, work_dir, arm, seed, resume,
                                       nice))
        if not osp.exists(metrics):
            steps.append(test_command(config, work_dir, arm, ckpt, nice))
        if not steps:
            log(f'[{i}/{len(plan)}] {name}: done, skipped')
            continue
        for cmd in steps:
            log(f'[{i}/{len(plan)}] {name}: ' + ' '.join(cmd))
            if dry_run:
                continue
            os.makedirs(work_dir, exist_ok=True)
            write_run_record(work_dir, config, arm, seed)
            start = time.time()
            out_log = osp.join(work_dir, log_name)
            with open(out_log, 'a') as out:
                rc = subprocess.call(cmd, cwd=repo, env=env, stdout=out,
                                     stderr=subprocess.STDOUT)
            log(f'    {"ok" if rc == 0 else f"FAILED (exit {rc})"} in '
                f'{time.time() - start:.0f} s')
            if rc != 0:
                failed[name] = out_log
                log(f'    see {out_log}: {last_line(out_log)}')
                break
    return failed


def run_result(work_dir: str, max_epochs: int,
               last_k: int) -> Optional[dict]:
    """Metrics of one finished run, or None if it has not finished.

    Returns:
        dict | None: ``val`` (median of the last ``last_k`` validated
        epochs), ``val_final``, ``val_epochs`` and ``test`` (top-1 of the
        single test evaluation, None until it ran).
    """
    if not osp.isdir(work_dir):
        return None
    _, val = split_records(load_records(work_dir))
    val = [r for r in val if r['step'] <= max_epochs]
    if not val or val[-1]['step'] != max_epochs:
        return None
    series = [float(r[VAL_TOP1]) for r in val]
    test = None
    path = osp.join(work_dir, 'test_metrics.pkl')
    if osp.isfile(path):
        with open(path, 'rb') as f:
            test = float(pickle.load(f)[VAL_TOP1])
    return dict(val=median_of_last(series, last_k), val_final=series[-1],
                val_epochs=[r['step'] for r in val][-last_k:], test=test)


def mean_std(values: Sequence[float]):
    """``(mean, sample std, n)``; std is 0 for one value, None for none."""
    if not values:
        return None, None, 0
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std, len(values)


def collect(arms: Sequence[Arm], seeds: Sequence[int], work_root: str,
            max_epochs: int, last_k: int, regime: Optional[str] = None,
            prior: Optional[dict] = None) -> Dict[str, dict]:
    """Per-arm runs and summary statistics.

    Args:
        regime (str, optional): The study config: every run folder must
            have been trained on it (its arm's config and options), else
            :class:`RegimeMismatch`.
        prior (dict, optional): A previous report (the JSON this tool
            writes) of the same regime: its runs fill (arm, seed) pairs
            that the work root does not hold (marked ``source: prior``).

    Returns:
        dict: ``{arm: {'label', 'options', 'config', 'runs': {seed:
        run_result}, 'val': (mean, std, n), 'test': (mean, std, n)}}``.
    """
    out = {}
    for arm in arms:
        runs = {}
        for seed in seeds:
            work_dir = osp.join(work_root, run_name(arm.name, seed))
            res = run_result(work_dir, max_epochs, last_k)
            if res is not None and regime is not None:
                check_run_config(work_dir, regime, arm)
            if res is not None:
                runs[seed] = res
        if prior is not None:
            runs = _with_prior(runs, arm, prior, seeds)
        out[arm.name] = dict(
            label=arm.label,
            options=list(arm.options),
            config=osp.normpath(arm.config or regime or ''),
            runs=runs,
            val=mean_std([r['val'] for r in runs.values()]),
            test=mean_std([r['test'] for r in runs.values()
                           if r['test'] is not None]))
    return out


def gate(results: Dict[str, dict], low: str, high: str,
         z: float = 2.0) -> Optional[dict]:
    """Does arm ``high`` beat arm ``low`` by more than ``z`` combined stds?

    Returns:
        dict | None: ``diff``, ``combined_std``, ``z`` (diff / combined
        std), ``passed`` and ``n``; None while either arm has < 2 seeds.
    """
    (ma, sa, na), (mb, sb, nb) = results[low]['val'], results[high]['val']
    if na < 2 or nb < 2:
        return None
    comb = (sa * sa + sb * sb)**0.5
    diff = mb - ma
    return dict(diff=diff, combined_std=comb,
                z=diff / comb if comb > 0 else float('inf'),
                passed=diff > z * comb, n=(na, nb))


def _fmt(stat) -> str:
    mean, std, n = stat
    return 'n/a (n=0)' if mean is None else f'{mean:.2f} ± {std:.2f} (n={n})'


def markdown_table(results: Dict[str, dict], baseline: Optional[str] = None,
                   last_k: int = 5, second: Optional[str] = None) -> str:
    """One table, every arm a row: validation median-of-last-``k``, test
    top-1 (once per run) and, with ``baseline`` (and ``second``, e.g. no
    mixing), the differences of means against each.
    """
    refs = [r for r in (baseline, second) if r and r in results]
    head = ['arm', f'val top-1, median of last {last_k}', 'test top-1']
    for ref in refs:
        head += [f'val - {results[ref]["label"]}',
                 f'test - {results[ref]["label"]}']
    lines = ['| ' + ' | '.join(head) + ' |', '|---' * len(head) + '|']
    for name, res in results.items():
        row = [res['label'], _fmt(res['val']), _fmt(res['test'])]
        for ref in refs:
            for key in ('val', 'test'):
                mine, base = res[key][0], results[ref][key][0]
                row.append('n/a' if mine is None or base is None or
                           name == ref else f'{mine - base:+.2f}')
        lines.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(lines)
