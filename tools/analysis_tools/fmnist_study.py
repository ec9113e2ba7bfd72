"""Fashion-MNIST study: {mixer} x {baseline, SUMix 'batch', SUMix 'sample'}
x seeds, each run a ``tools/train.py`` subprocess, then a results table and
a bar plot.

Every run uses one fixed schedule, the study config
(``configs/fashion_mnist/study/resnet18-w8_fmnist-study.py``); this script
only changes the mixer, SUMix on/off, ``lam_reduction`` and the seed, with
``--cfg-options``. Runs go one after another (``nice``, one torch thread);
the study is resumable:

* a run whose final checkpoint ``epoch_<max_epochs>.pth`` exists is skipped;
* a run with an earlier checkpoint continues with ``--resume``;
* a failed run is reported and the study goes on (rerun to retry it).

Metrics, per run, from the MMEngine logs (``*/vis_data/scalars.json``):

* ``last-k``: median of the validation top-1 of the last ``k`` validated
  epochs (``--last-k``, default 2 = every validated epoch of the study
  config);
* ``final``: top-1 after the last epoch.

Per cell (mixer, variant): mean +/- sample std over the finished seeds, and
the number of seeds ``n``; the gain columns are differences of the means
(SUMix minus baseline).

Examples::

    # the whole study (36 runs), then the table and the plot
    OMP_NUM_THREADS=1 python tools/analysis_tools/fmnist_study.py
    # what would run, without running it
    python tools/analysis_tools/fmnist_study.py --dry-run
    # table + plot from the logs only (e.g. while the study runs)
    python tools/analysis_tools/fmnist_study.py --only-report
    # fast SUMix against faithful SUMix on CutMix
    python tools/analysis_tools/fmnist_study.py --mixers cutmix \\
        --variants sumix-batch sumix-fast
"""
import argparse
import glob
import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = 'configs/fashion_mnist/study/resnet18-w8_fmnist-study.py'

#: study name -> (registered mixer, --cfg-options for it)
MIXERS: Dict[str, List[str]] = {
    'cutmix': ['model.mixer.type=BatchCutMix', 'model.mixer.alpha=0.2'],
    'saliencymix':
    ['model.mixer.type=BatchSaliencyMix', 'model.mixer.alpha=0.2'],
    'fmix': ['model.mixer.type=BatchFMix', 'model.mixer.alpha=0.2'],
    'resizemix': ['model.mixer.type=BatchResizeMix', 'model.mixer.alpha=1.0'],
}
MIXER_LABELS = {
    'cutmix': 'CutMix',
    'saliencymix': 'SaliencyMix',
    'fmix': 'FMix',
    'resizemix': 'ResizeMix'
}

#: study name -> --cfg-options for it
VARIANTS: Dict[str, List[str]] = {
    'baseline': ['model.sumix=None'],
    'sumix-batch': [
        'model.sumix.lam_reduction=batch', 'model.sumix.clean_pass=full'
    ],
    'sumix-sample': [
        'model.sumix.lam_reduction=sample', 'model.sumix.clean_pass=full'
    ],
    'sumix-fast': [
        'model.sumix.lam_reduction=batch', 'model.sumix.clean_pass=no_grad'
    ],
}
VARIANT_LABELS = {
    'baseline': 'baseline',
    'sumix-batch': "SUMix 'batch'",
    'sumix-sample': "SUMix 'sample'",
    'sumix-fast': "SUMix fast ('batch', no-grad clean)",
}
DEFAULT_VARIANTS = ['baseline', 'sumix-batch', 'sumix-sample']


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Fashion-MNIST mixer x SUMix study (resumable)')
    parser.add_argument('--config', default=DEFAULT_CONFIG,
                        help='the fixed study config')
    parser.add_argument('--work-root', default='work_dirs/fmnist_study',
                        help='one sub-folder per run is created here')
    parser.add_argument('--mixers', nargs='+', default=list(MIXERS),
                        choices=list(MIXERS))
    parser.add_argument('--variants', nargs='+', default=DEFAULT_VARIANTS,
                        choices=list(VARIANTS))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--last-k', type=int, default=2,
                        help='median over the last k validated epochs')
    parser.add_argument('--nice', type=int, default=10,
                        help='nice level of the training runs (0: off)')
    parser.add_argument('--only-report', action='store_true',
                        help='no training: table and plot from the logs')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the commands, run nothing')
    parser.add_argument('--out-md', default=None,
                        help='results table (default <work-root>/results.md)')
    parser.add_argument('--out-json', default=None,
                        help='per-run metrics (default <work-root>/results.json)')
    parser.add_argument('--plot', default='docs/images/fmnist_study.png',
                        help="bar plot path ('' for none)")
    args = parser.parse_args(argv)
    if args.last_k < 1:
        parser.error('--last-k must be >= 1')
    return args


def run_name(mixer: str, variant: str, seed: int) -> str:
    return f'{mixer}_{variant}_seed{seed}'


def max_epochs_of(config: str) -> int:
    """``train_cfg.max_epochs`` of the study config (no custom imports)."""
    from mmengine.config import Config
    cfg = Config.fromfile(config, import_custom_modules=False)
    return int(cfg.train_cfg.max_epochs)


def train_command(args, mixer: str, variant: str, seed: int,
                  work_dir: str, resume: bool) -> List[str]:
    cmd = []
    if args.nice:
        cmd += ['nice', '-n', str(args.nice)]
    cmd += [sys.executable, 'tools/train.py', args.config,
            '--work-dir', work_dir]
    if resume:
        cmd.append('--resume')
    cmd += ['--cfg-options', f'randomness.seed={seed}'
            ] + MIXERS[mixer] + VARIANTS[variant]
    if variant == 'baseline':
        # the SUMix keys do not exist once sumix=None
        cmd = [c for c in cmd if not c.startswith('model.sumix.')]
    return cmd


def run_study(args) -> None:
    """Train every missing run, one after another."""
    max_epochs = max_epochs_of(args.config)
    plan = [(m, v, s) for s in args.seeds for m in args.mixers
            for v in args.variants]
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    failed = []
    for i, (mixer, variant, seed) in enumerate(plan, 1):
        name = run_name(mixer, variant, seed)
        work_dir = osp.join(args.work_root, name)
        if osp.exists(osp.join(work_dir, f'epoch_{max_epochs}.pth')):
            print(f'[{i}/{len(plan)}] {name}: done, skipped', flush=True)
            continue
        resume = bool(glob.glob(osp.join(work_dir, 'epoch_*.pth')))
        cmd = train_command(args, mixer, variant, seed, work_dir, resume)
        print(f'[{i}/{len(plan)}] {name}: ' + ' '.join(cmd), flush=True)
        if args.dry_run:
            continue
        os.makedirs(work_dir, exist_ok=True)
        start = time.time()
        with open(osp.join(work_dir, 'train_stdout.log'), 'a') as log:
            rc = subprocess.call(cmd, cwd=REPO, env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
        status = 'ok' if rc == 0 else f'FAILED (exit {rc}, see ' \
            f'{work_dir}/train_stdout.log)'
        print(f'    {status} in {time.time() - start:.0f} s', flush=True)
        if rc != 0:
            failed.append(name)
    if failed:
        print(f'{len(failed)} run(s) failed: {", ".join(failed)}; rerun '
              'this command to retry them', flush=True)


def read_val_top1(work_dir: str) -> Dict[int, float]:
    """Validation top-1 per epoch from every log session of one run (a
    resumed run has several; a later session wins)."""
    acc = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                rec = json.loads(line)
                if 'accuracy/top1' in rec:
                    acc[int(rec['step'])] = float(rec['accuracy/top1'])
    return acc


def run_metrics(acc: Dict[int, float], max_epochs: int,
                last_k: int) -> Optional[dict]:
    """``last-k`` median and final top-1 of a finished run, else None."""
    if max_epochs not in acc:
        return None
    epochs = sorted(e for e in acc if e <= max_epochs)[-last_k:]
    return dict(
        last_k=statistics.median(acc[e] for e in epochs),
        final=acc[max_epochs],
        epochs=epochs)


def mean_std(values: List[float]):
    if not values:
        return None, None
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std


def collect(args) -> dict:
    """Per-run metrics of every finished run of the plan."""
    max_epochs = max_epochs_of(args.config)
    runs = {}
    for mixer in args.mixers:
        for variant in args.variants:
            for seed in args.seeds:
                name = run_name(mixer, variant, seed)
                m = run_metrics(
                    read_val_top1(osp.join(args.work_root, name)),
                    max_epochs, args.last_k)
                if m is not None:
                    runs[name] = dict(mixer=mixer, variant=variant,
                                      seed=seed, **m)
    return dict(max_epochs=max_epochs, last_k=args.last_k, runs=runs)


def _cell(values: List[float]) -> str:
    mean, std = mean_std(values)
    if mean is None:
        return 'n/a (n=0)'
    return f'{mean:.2f} ± {std:.2f} (n={len(values)})'


def markdown_table(results: dict, mixers: List[str], variants: List[str],
                   metric: str) -> str:
    """Rows mixers; columns the variants, then gains vs the baseline."""
    gains = [v for v in variants if v != 'baseline'] \
        if 'baseline' in variants else []
    head = ['mixer'] + [VARIANT_LABELS[v] for v in variants] + [
        f'gain {VARIANT_LABELS[v]}' for v in gains
    ]
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    for mixer in mixers:
        vals = {
            v: [r[metric] for r in results['runs'].values()
                if r['mixer'] == mixer and r['variant'] == v]
            for v in variants
        }
        row = [MIXER_LABELS[mixer]] + [_cell(vals[v]) for v in variants]
        base, _ = mean_std(vals.get('baseline', []))
        for v in gains:
            mean, _ = mean_std(vals[v])
            row.append('n/a' if base is None or mean is None else
                       f'{mean - base:+.2f}')
        lines.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(lines)


def report_markdown(results: dict, mixers, variants) -> str:
    k = results['last_k']
    return '\n'.join([
        f'Validation top-1 (%) on the full 10k Fashion-MNIST test set, mean '
        f'± std over seeds (n = finished seeds per cell).',
        '',
        f'**Median of the last {k} validated epochs**',
        '',
        markdown_table(results, mixers, variants, 'last_k'),
        '',
        f'**Final top-1 (epoch {results["max_epochs"]})**',
        '',
        markdown_table(results, mixers, variants, 'final'),
        '',
    ])


def bar_plot(results: dict, mixers, variants, path: str) -> None:
    """Grouped bars (mixer x variant) of the last-k median, std error bars."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy as np

    width = 0.8 / len(variants)
    fig, ax = plt.subplots(figsize=(3.6 + 1.9 * len(mixers), 4))
    lows = []
    for j, v in enumerate(variants):
        means, stds, ns = [], [], []
        for mixer in mixers:
            vals = [r['last_k'] for r in results['runs'].values()
                    if r['mixer'] == mixer and r['variant'] == v]
            mean, std = mean_std(vals)
            means.append(np.nan if mean is None else mean)
            stds.append(0.0 if std is None else std)
            ns.append(len(vals))
        x = np.arange(len(mixers)) + (j - (len(variants) - 1) / 2) * width
        ax.bar(x, means, width, yerr=stds, capsize=3,
               label=VARIANT_LABELS[v])
        for xi, m, n in zip(x, means, ns):
            if not np.isnan(m):
                ax.text(xi, m, f'n={n}', ha='center', va='bottom',
                        fontsize=7)
        lows += [m - s for m, s in zip(means, stds) if not np.isnan(m)]
    ax.set_xticks(np.arange(len(mixers)))
    ax.set_xticklabels([MIXER_LABELS[m] for m in mixers])
    if lows:
        ax.set_ylim(max(0.0, min(lows) - 3), None)
    ax.set_ylabel(f'top-1 (%), median of last {results["last_k"]} epochs')
    ax.set_title('Fashion-MNIST, ResNet-18 w8, 4k subset, '
                 f'{results["max_epochs"]} epochs (mean ± std over seeds)')
    ax.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def report(args) -> str:
    results = collect(args)
    text = report_markdown(results, args.mixers, args.variants)
    out_md = args.out_md or osp.join(args.work_root, 'results.md')
    out_json = args.out_json or osp.join(args.work_root, 'results.json')
    for path in (out_md, out_json):
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(out_md, 'w') as f:
        f.write(text)
    with open(out_json, 'w') as f:
        json.dump(results, f, indent=1)
    if args.plot:
        bar_plot(results, args.mixers, args.variants, args.plot)
    print(text)
    print(f'{len(results["runs"])} finished run(s); table: {out_md}, '
          f'per-run: {out_json}' + (f', plot: {args.plot}' if args.plot
                                    else ''))
    return text


def main(argv=None) -> None:
    args = parse_args(argv)
    os.chdir(REPO)
    if not args.only_report:
        run_study(args)
    if not args.dry_run:
        report(args)


if __name__ == '__main__':
    main()
