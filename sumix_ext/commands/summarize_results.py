"""Summarise every run under ``work_dirs/`` as the paper reports results.

Per run: the final and the median of the last ``k`` (default 10) validation
top-1 (OpenMixup's protocol). Runs whose names differ only by a ``_seed<k>``
/ ``-seed<k>`` suffix (or by ``--group-regex``) are grouped: mean ± sample
std over seeds. The mixer and SUMix on/off come from each run's dumped
config (``model.mixer``, ``model.sumix``), else from its name
(``..._cutmix-sumix_...`` vs ``..._cutmix_...``). Then one Markdown table
per setting shaped like the paper's: rows = mixers, columns = baseline,
+SUMix, gain.

Example:
    python tools/analysis_tools/summarize_results.py work_dirs \
        --out-dir work_dirs/analysis
"""
import argparse
import os.path as osp
from dataclasses import asdict

from sumix_ext.apis import cli, cli_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Summarise validation top-1 of all runs in work_dirs')
    parser.add_argument('root', nargs='?', default='work_dirs',
                        help='folder that holds the run work dirs')
    parser.add_argument('--k', type=int, default=10,
                        help='median of the last k validation results')
    parser.add_argument('--group-regex', default=None,
                        help='regex whose first group (or match) of the run '
                        'name is the seed-group key (default: strip a '
                        '_seed<k>/-seed<k> suffix)')
    parser.add_argument('--metric', choices=['median_last', 'final'],
                        default='median_last',
                        help='number in the paper-style table')
    parser.add_argument('--out-dir', default=None,
                        help='also write summary.json and summary.md here')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        from sumix_ext.evaluation.results_summary import (SEED_REGEX,
                                                          collect_runs,
                                                          group_runs,
                                                          paper_tables,
                                                          runs_table)
        if args.k < 1:
            raise ValueError(f'--k must be >= 1, got {args.k}')
        runs = collect_runs(args.root, args.k)
        if not runs:
            raise FileNotFoundError(
                f'no run with validation results under {args.root}; each '
                'run needs <work_dir>/<timestamp>/vis_data/*.json with '
                'accuracy/top1 lines')
        groups = group_runs(runs, args.group_regex or SEED_REGEX)
        text = (f'## Runs ({len(runs)} runs, {len(groups)} groups)\n\n' +
                runs_table(groups, args.k) + '\n## Paper table\n\n' +
                paper_tables(groups, args.metric))
        print(text)
        if args.out_dir:
            payload = [dict(name=g.name, setting=g.setting, mixer=g.mixer,
                            sumix=g.sumix,
                            final_mean_std=g.stat('final'),
                            median_last_mean_std=g.stat('median_last'),
                            runs=[asdict(r) for r in g.runs])
                       for g in groups]
            cli.write_outputs(args.out_dir, 'summary', dict(
                k=args.k, metric=args.metric, groups=payload), text)
            print(f'saved {osp.join(args.out_dir, "summary.md")}')
    return groups


if __name__ == '__main__':
    main()
