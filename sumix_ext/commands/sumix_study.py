"""The SUMix study on the fair Fashion-MNIST regime (docs/study.md).

Arms x seeds of ``tools/train.py`` on one fixed config, each run tested once;
resumable (rerun the same command, e.g. after a kill: finished runs are
skipped, started ones continue with ``--resume``). Logic:
:mod:`sumix_ext.evaluation.study`.

The oracle arm runs on ``--config`` itself: the tool writes a leaf of it
that only swaps in ``TrueShareMixer`` around the config's own mixer (truth:
the samples' ``object_mask`` where the pipeline packs one, else the pixel
mass), so every arm of a table runs on one regime; each run folder records
the config it ran (``study_run.json``), and the report refuses runs of
another config.

Nothing is lost between runs: each study process logs a run's commands to
its own file in the run folder (``study_stdout_<time>_pid<pid>.log``); when
a run fails (e.g. its folder is locked by another live run) the report of
the finished runs is still written and the tool ends with exit 1 and one
``error:`` line naming the failed runs and their logs; and a report never
replaces one at ``--out`` that holds runs it lacks (or is of another
config): it is then written beside it as ``<out>.new.md/.json`` (plot
``.new.png``), with a ``note:`` line
(:mod:`sumix_ext.evaluation.study_report`).

Examples::

    # the gate (does CutMix beat no mixing by > 2 combined stds?)
    python tools/analysis_tools/sumix_study.py --arms vanilla cutmix
    # every arm, 3 seeds, then the table, the gate and the plot
    python tools/analysis_tools/sumix_study.py
    # table + plot from the logs only (e.g. while it runs)
    python tools/analysis_tools/sumix_study.py --only-report
    # another regime, more seeds added to a committed report of it
    python tools/analysis_tools/sumix_study.py \\
        --config configs/fashion_mnist/study/resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-small-1k-study.py \\
        --arms vanilla cutmix oracle --seeds 0 1 2 3 4 \\
        --prior docs/results/sumix_study_small.json \\
        --work-root work_dirs/study_small --out docs/results/sumix_study_small
"""
import argparse
import json
import os
import os.path as osp
import sys

from sumix_ext.apis import cli_errors
from sumix_ext.evaluation.study import (ORACLE_LEAF, Arm, bar_plot, collect,
                                        gate, load_prior, markdown_table,
                                        run_study, write_oracle_config)
from sumix_ext.evaluation.study_arms import (  # noqa: F401 (re-exported)
    ARM_BACKBONE, ARMS, CONFIG, FMIX, OFF, SAMPLE)
from sumix_ext.evaluation.study_report import report_paths, write_atomic
from sumix_ext.evaluation.study_target import (own_mixer_report,
                                               target_report)

# the repository root (configs/ and tools/ are run from there)
REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def backbone_kind(cfg) -> str:
    """``'vit'`` for mmpretrain's ``VisionTransformer`` family (a class
    token), else ``'cnn'``."""
    import sumix_ext  # noqa: F401
    from mmpretrain.models.backbones import VisionTransformer
    from mmpretrain.registry import MODELS
    kind = cfg.model.backbone.get('type', '')
    cls = MODELS.get(kind) if isinstance(kind, str) else kind
    return 'vit' if isinstance(cls, type) and issubclass(
        cls, VisionTransformer) else 'cnn'


def arms_for_backbone(names, kind: str, explicit: bool) -> list:
    """The arms of ``names`` that can run on a ``kind`` backbone. Asked
    for by name (``explicit``), an arm that cannot is an error naming why;
    from the default list it is left out with a note."""
    wrong = [n for n in names if ARM_BACKBONE.get(n, kind) != kind]
    if wrong and explicit:
        raise ValueError(
            f'--arms {" ".join(wrong)}: these need a '
            f'{ARM_BACKBONE[wrong[0]].upper()} backbone (CAM labels read a '
            "CNN's feature maps, TransMix a ViT's class token) but the "
            f'config has a {kind.upper()}; drop them or use a config with '
            'that backbone')
    if wrong:
        print(f'note: arms {", ".join(wrong)} left out (they need another '
              f'backbone than this config\'s {kind.upper()})')
    return [n for n in names if n not in wrong]


def parse_args(argv=None) -> argparse.Namespace:
    names = [a.name for a in ARMS]
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG, help='the fixed config')
    parser.add_argument('--oracle-config', default=None,
                        help="the oracle arm's config (default: written by "
                        'the tool from --config: its own mixer labelled with '
                        'the true object share)')
    parser.add_argument('--prior', default=None, metavar='JSON',
                        help='a previous report of the same --config: its '
                        'runs fill the (arm, seed) pairs not in --work-root')
    parser.add_argument('--work-root', default='work_dirs/sumix_study')
    parser.add_argument('--arms', nargs='+', default=None, choices=names,
                        help='default: every arm the config\'s backbone '
                        'can run')
    parser.add_argument('--extra-arm', nargs='+', action='append',
                        default=[], metavar='NAME LABEL OPTION',
                        help='another arm: its name, label and cfg-options')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--last-k', type=int, default=5,
                        help='median of the last k validated epochs')
    parser.add_argument('--nice', type=int, default=10)
    parser.add_argument('--only-report', action='store_true')
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--out', default='docs/results/sumix_study',
                        help='writes <out>.md and <out>.json tables')
    parser.add_argument('--plot', default=None,
                        help="bar plot (default: <out>.png; '' = none)")
    args = parser.parse_args(argv)
    if args.plot is None:
        args.plot = args.out + '.png'
    for extra in args.extra_arm:
        if len(extra) < 2:
            parser.error('--extra-arm needs at least NAME LABEL')
    return args


def _gate_line(results: dict, low: str, high: str, title: str,
               verdicts: tuple) -> tuple:
    """:func:`gate` of ``high`` over ``low`` and its report line ('' and
    None while an arm is missing or has fewer than 2 seeds)."""
    check = gate(results, low, high) if {low, high} <= set(results) else None
    if not check:
        return None, ''
    return check, (f'\n\n{title}: {check["diff"]:+.2f} points = '
                   f'{check["z"]:.1f} combined stds '
                   f'({verdicts[0] if check["passed"] else verdicts[1]}: '
                   'needs > 2)')


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.chdir(REPO)
    from mmengine.config import Config
    with cli_errors():
        return _main(args, Config)


def _main(args, Config) -> dict:
    max_epochs = int(Config.fromfile(args.config, import_custom_modules=False)
                     .train_cfg.max_epochs)
    prior = load_prior(args.prior, args.config) if args.prior else None
    names = arms_for_backbone(
        args.arms or [a.name for a in ARMS],
        backbone_kind(Config.fromfile(args.config,
                                      import_custom_modules=False)),
        explicit=args.arms is not None)
    arms = [a for a in ARMS if a.name in names] + [
        Arm(e[0], e[1], e[2:]) for e in args.extra_arm]
    if any(a.name == 'oracle' for a in arms):
        oracle = args.oracle_config or write_oracle_config(
            args.config, args.work_root)
        arms = [a._replace(config=oracle) if a.name == 'oracle' else a
                for a in arms]
    failed = {}
    if not args.only_report:
        failed = run_study(args.config, arms, args.seeds, args.work_root,
                           max_epochs, REPO, args.nice, args.dry_run)
    if args.dry_run:
        return {}
    results = collect(arms, args.seeds, args.work_root, max_epochs,
                      args.last_k, regime=args.config, prior=prior)
    if 'oracle' in results and not args.oracle_config:
        # the leaf lives in the (scratch) work root: report what it is, so
        # the committed JSON names only files a reader has
        results['oracle'].update(
            config=osp.normpath(args.config),
            leaf=ORACLE_LEAF)
    base = 'cutmix' if 'cutmix' in results else None
    text = markdown_table(results, base, args.last_k, second='vanilla')
    check, line = _gate_line(results, 'vanilla', 'cutmix',
                             'Gate (CutMix - no mixing, validation)',
                             ('passed', 'FAILED'))
    text += line
    # room for any ratio correction: do true-share labels beat the area?
    room, line = _gate_line(results, 'cutmix', 'oracle',
                            'Room for a ratio correction (oracle - CutMix, '
                            'validation)', ('yes', 'no'))
    text += line
    # does mixing pay with a correct label? (the gate where the area is
    # wrong: the oracle must beat no mixing)
    oracle_gate, line = _gate_line(results, 'vanilla', 'oracle',
                                   'Oracle gate (oracle - no mixing, '
                                   'validation)', ('passed', 'FAILED'))
    text += line
    # the claim: does an arm beat the better of CutMix and no mixing?
    targets, table = target_report(results)
    if table:
        text += '\n\n' + table
    # what a label correction adds to a mixer other than CutMix (FMix)
    vs_mixer, table = own_mixer_report(
        results, {a.name: a.mixer_arm for a in arms if a.mixer_arm})
    if table:
        text += '\n\n' + table
    print(text)
    # never over a report that holds runs this one lacks (failed runs,
    # fewer arms or seeds, another config): then beside it, as <out>.new.*
    where = report_paths(args.out, args.plot, results, args.config)
    if where.note:
        print(where.note)
    write_atomic(where.out + '.md', text + '\n')
    write_atomic(where.out + '.json', json.dumps(
        dict(config=args.config, last_k=args.last_k, gate=check,
             oracle_room=room, oracle_gate=oracle_gate, target=targets,
             vs_mixer=vs_mixer, arms=results), indent=1))
    if where.plot:
        bar_plot(results, where.plot, 'Fashion-MNIST: ' + osp.splitext(
            osp.basename(args.config))[0] + f' ({max_epochs} epochs)')
    if failed:
        _fail(failed)
    return results


def _fail(failed: dict) -> None:
    """End the study with exit 1 and one ``error:`` line naming the failed
    runs and their logs (the last line of stderr)."""
    runs = ', '.join(f'{name} (log: {path})' for name, path in failed.items())
    sys.stdout.flush()
    print(f'error: {len(failed)} run(s) of the study failed: {runs}; the '
          'cause is at the end of each log: fix it and rerun this command '
          '(finished runs are skipped, failed ones retried)',
          file=sys.stderr)
    sys.exit(1)


if __name__ == '__main__':
    main()
