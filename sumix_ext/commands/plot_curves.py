"""Training curves of one or more runs from MMEngine's JSON logs.

One subplot per metric, one line per run: training loss, learning rate,
validation top-1 and, for SUMix runs, the corrected ratio ``lam_tilde`` and
the regulariser ``sumix_reg`` (R). Train metrics are plotted against the
iteration, validation top-1 against the epoch. Resumed runs (several
``<timestamp>/vis_data/*.json`` in one work dir) are joined.

Example:
    python tools/analysis_tools/plot_curves.py \
        work_dirs/resnet18-w16_cutmix_1xb64-4e_fmnist \
        work_dirs/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist \
        --labels CutMix CutMix+SUMix --out-file work_dirs/analysis/curves.png

Writes the PNG and, next to it, ``<name>.json`` / ``<name>.md`` with the
final value (train metrics: mean of the last epoch) per run and metric.
"""
import argparse
import os
import os.path as osp

from sumix_ext.apis import cli, cli_errors

DEFAULT_KEYS = ['loss', 'lr', 'accuracy/top1', 'lam_tilde', 'sumix_reg']
TITLES = {
    'loss': 'training loss', 'lr': 'learning rate',
    'accuracy/top1': 'val top-1 (%)', 'lam_tilde': 'mean lam_tilde',
    'sumix_reg': 'SUMix regulariser R', 'lam': 'mixing ratio lam'
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Plot training curves from MMEngine JSON logs')
    parser.add_argument('runs', nargs='+',
                        help='work dirs or vis_data/*.json log files')
    parser.add_argument('--labels', nargs='+',
                        help='legend label per run (default: folder name)')
    parser.add_argument('--keys', nargs='+', default=DEFAULT_KEYS,
                        help='metrics to plot (default: %(default)s)')
    parser.add_argument('--smooth', type=int, default=1,
                        help='moving-average window of train metrics')
    parser.add_argument('--out-file', default='work_dirs/analysis/curves.png',
                        help='output PNG')
    return parser.parse_args(argv)


def run_label(path):
    path = osp.normpath(path)
    if path.endswith('.json'):  # <work_dir>/<stamp>/vis_data/<stamp>.json
        path = osp.dirname(osp.dirname(osp.dirname(path)))
    return osp.basename(path)


def smooth(values, k):
    import numpy as np
    if k <= 1 or len(values) < k:
        return np.asarray(values, float)
    kernel = np.ones(k) / k
    return np.convolve(values, kernel, mode='valid')


def series(train, val, key, k):
    """(x, y, x-label) of ``key``; None if the run never logged it."""
    import numpy as np
    if any(key in r for r in val) and not any(key in r for r in train):
        pts = [(r.get('epoch', r['step']), r[key]) for r in val if key in r]
        return np.array([p[0] for p in pts]), np.array(
            [p[1] for p in pts]), 'epoch'
    pts = [(r['step'], r[key]) for r in train if key in r]
    if not pts:
        return None
    y = smooth([p[1] for p in pts], k)
    x = np.array([p[0] for p in pts])[len(pts) - len(y):]
    return x, y, 'iteration'


def final_value(train, val, key):
    """Last val value, or mean over the last logged epoch of train."""
    vals = [r[key] for r in val if key in r]
    if vals and not any(key in r for r in train):
        return vals[-1]
    rows = [r for r in train if key in r]
    if not rows:
        return None
    last = rows[-1].get('epoch')
    tail = [r[key] for r in rows if r.get('epoch') == last]
    return sum(tail) / len(tail)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        from sumix_ext.evaluation import load_records, split_records
        if args.labels and len(args.labels) != len(args.runs):
            raise ValueError(f'--labels: got {len(args.labels)} labels for '
                             f'{len(args.runs)} runs; give one per run')
        labels = args.labels or [run_label(r) for r in args.runs]
        data = {}
        for run, label in zip(args.runs, labels):
            records = load_records(run)
            if not records:
                raise FileNotFoundError(
                    f'no MMEngine JSON log in {run}; pass a work dir with '
                    '<timestamp>/vis_data/<timestamp>.json or a .json file')
            data[label] = split_records(records)
        keys = [k for k in args.keys if any(
            series(t, v, k, 1) is not None for t, v in data.values())]
        if not keys:
            raise KeyError(f'none of --keys {args.keys} is in the logs')
        plt = cli.agg_pyplot()
        cols = min(3, len(keys))
        rows = (len(keys) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows),
                                 squeeze=False)
        colors = {label: f'C{i % 10}' for i, label in enumerate(data)}
        for ax, key in zip(axes.flat, keys):
            for label, (train, val) in data.items():
                s = series(train, val, key, args.smooth)
                if s is not None:  # one colour per run on every subplot
                    ax.plot(s[0], s[1], label=label, color=colors[label],
                            marker='o' if s[2] == 'epoch' else None, ms=4)
                    ax.set_xlabel(s[2])
            ax.set_title(TITLES.get(key, key), fontsize=10)
            ax.grid(alpha=0.3)
            ax.ticklabel_format(axis='y', useOffset=False)
        for ax in list(axes.flat)[len(keys):]:
            ax.axis('off')
        handles = [plt.Line2D([], [], color=c) for c in colors.values()]
        fig.legend(handles, list(colors), loc='lower center',
                   ncol=len(colors), fontsize=9, frameon=False)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        out_dir = osp.dirname(args.out_file) or '.'
        os.makedirs(out_dir, exist_ok=True)
        fig.savefig(args.out_file, dpi=120)
        plt.close(fig)
        finals = {label: {k: final_value(t, v, k) for k in keys}
                  for label, (t, v) in data.items()}
        md = ['| Run | ' + ' | '.join(keys) + ' |',
              '|:--|' + '--:|' * len(keys)]
        md += [f'| {label} | ' + ' | '.join(
            '-' if f[k] is None else f'{f[k]:.4g}' for k in keys) + ' |'
               for label, f in finals.items()]
        stem = osp.splitext(osp.basename(args.out_file))[0]
        cli.write_outputs(out_dir, stem, dict(
            runs=dict(zip(labels, args.runs)), final=finals),
            '\n'.join(md) + '\n')
        print('\n'.join(md))
        print(f'saved {args.out_file}')
    return finals


if __name__ == '__main__':
    main()
