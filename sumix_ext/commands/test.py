"""Evaluate a checkpoint (mmpretrain's tools/test.py conventions).

Example:
    python tools/test.py CONFIG work_dirs/NAME/epoch_4.pth
    python tools/test.py CONFIG CKPT --out results.pkl
"""
import argparse
import os.path as osp

from sumix_ext.apis import (apply_dataloader_defaults, build_runner_from_cfg,
                            cli, cli_errors, finish_distributed, load_config)
from sumix_ext.apis.runner import unsafe_scope_of


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir',
                        help='the directory to save the file containing '
                        'evaluation metrics')
    parser.add_argument('--out', help='the file to output results.')
    parser.add_argument('--out-item',
                        choices=['metrics', 'pred'],
                        help='To output whether metrics or predictions. '
                        'Defaults to output predictions.')
    parser.add_argument('--show-dir',
                        help='save the visualised predictions (images with '
                        'labels) to this folder')
    parser.add_argument('--show', action='store_true',
                        help='show the visualised predictions in a window')
    parser.add_argument('--interval', type=int, default=1,
                        help='visualise every N-th sample')
    parser.add_argument('--wait-time', type=float, default=2,
                        help='seconds each --show window stays')
    parser.add_argument('--no-pin-memory', action='store_true',
                        help='disable pin_memory in the test dataloader')
    parser.add_argument('--tta', action='store_true',
                        help="test-time augmentation: the config's tta_model "
                        'and tta_pipeline, else flip TTA averaging the class '
                        "scores (as mmpretrain's tools/test.py)")
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic-mixed-precision test')
    cli.add_load_args(parser)
    cli.add_cfg_options(parser)
    cli.add_launcher_args(parser)
    return cli.parse_launcher_args(parser, argv)


def merge_args(cfg, args):
    """Merge CLI arguments into the config, as mmpretrain does."""
    cli.merge_common_args(cfg, args)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.amp:
        cfg.test_cfg = dict(cfg.get('test_cfg') or {}, fp16=True)
    if args.out_item and not args.out:
        raise ValueError(f'--out-item {args.out_item} needs --out FILE.pkl '
                         '(where to write it)')
    if args.out:
        metrics_only = args.out_item == 'metrics'
        exts = ('.pkl', '.pickle') + (('.json', '.yaml', '.yml')
                                      if metrics_only else ())
        if not args.out.endswith(exts):
            raise ValueError(
                f'--out must name a {"/".join(exts)} file, got '
                f'{args.out!r}; e.g. --out results.pkl' + (
                    '' if metrics_only else
                    ' (with --out-item metrics also .json, as mmpretrain '
                    'writes metrics)'))
        if args.out_item in (None, 'pred'):
            cfg.test_evaluator = [
                cfg.test_evaluator
            ] if isinstance(cfg.test_evaluator, dict) else list(
                cfg.test_evaluator)
            cfg.test_evaluator.append(
                dict(type='DumpResults', out_file_path=args.out))
    if args.show or args.show_dir:
        vis = cfg.default_hooks.get('visualization')
        if vis is None:
            raise KeyError('--show/--show-dir need '
                           "default_hooks.visualization (mmpretrain's "
                           'VisualizationHook) in the config')
        vis.update(enable=True, show=args.show, interval=args.interval,
                   wait_time=args.wait_time)
        if args.show_dir:
            vis['out_dir'] = args.show_dir
    apply_dataloader_defaults(cfg, args.no_pin_memory)
    if args.tta:
        apply_tta(cfg)
    return cfg


def apply_tta(cfg) -> None:
    """``--tta`` as mmpretrain's tools/test.py: the config's ``tta_model``
    / ``tta_pipeline``, else flip TTA averaging the class scores (the test
    pipeline with its last step wrapped in ``TestTimeAug``: flipped and
    not flipped)."""
    from copy import deepcopy
    if 'tta_model' not in cfg:
        cfg.tta_model = dict(type='mmpretrain.AverageClsScoreTTA')
    if 'tta_pipeline' not in cfg:
        test_pipeline = cfg.test_dataloader.dataset.pipeline
        cfg.tta_pipeline = deepcopy(test_pipeline)
        cfg.tta_pipeline[-1] = dict(
            type='TestTimeAug',
            transforms=[[dict(type='RandomFlip', prob=1.),
                         dict(type='RandomFlip', prob=0.)],
                        [test_pipeline[-1]]])
    cfg.model = dict(**cfg.tta_model, module=cfg.model)
    cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline


def check_writable(path: str, flag: str) -> None:
    """Stop before the test pass when ``path`` cannot be written (the
    metrics would otherwise be lost after the whole pass): its folder is
    made and a probe file written and removed there."""
    import os
    probe = path + '.write-check'
    try:
        if osp.isdir(path):
            raise IsADirectoryError(path)
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        with open(probe, 'w'):
            pass
        os.remove(probe)
    except OSError as exc:
        raise ValueError(f'{flag} {path}: cannot write there '
                         f'({exc.strerror or type(exc).__name__}); give '
                         f'{flag} a writable file path') from None


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        if not osp.isfile(args.checkpoint):
            raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
        cfg = merge_args(load_config(args.config, args.cfg_options), args)
        if args.out:
            check_writable(args.out, '--out')
        with unsafe_scope_of(cfg):
            runner = build_runner_from_cfg(cfg)
            metrics = runner.test()
        if args.out and args.out_item == 'metrics':
            import mmengine
            from mmengine.dist import is_main_process
            if is_main_process():  # every rank holds the same metrics
                mmengine.dump(metrics, args.out)
        finish_distributed()
    return metrics


if __name__ == '__main__':
    main()
