"""Ratio fidelity: area ``lam`` and SUMix's corrected ratios of every form
against the true semantic share of each mixed image (docs/sumix_analysis.md).

For every mask-based mixer and batch size, mixes images of the config's
validation (or test) split, computes the true share ``s`` from an object map
(pixel mass by default: objects on black, e.g. Fashion-MNIST) and scores
``lam`` and, per checkpoint, every ratio form (per sample and batch mean):
mean |x - s|, correlation, majority flips, saturation and the error where
``lam`` is off by more than 0.2. Logic:
:mod:`sumix_ext.evaluation.ratio_fidelity`.

Example:
    python tools/analysis_tools/ratio_fidelity.py \\
        configs/fashion_mnist/study/resnet18-w16_cutmix-sumix_1xb64-100e_fmnist-1k-study.py \\
        work_dirs/sumix_study/cutmix_seed0/epoch_100.pth \\
        --mixers CutMix FMix --batch-sizes 8 64 256 --out-dir work_dirs/fid

Writes ``ratio_fidelity.json``/``.md`` (every score) and
``ratio_fidelity.png`` (scatter of ratio vs truth) in ``--out-dir``.
"""
import argparse
import os.path as osp

from sumix_ext.apis import cli, cli_errors


def parse_args(argv=None):
    from sumix_ext.evaluation.ratio_fidelity import (FIDELITY_MIXERS,
                                                     FIDELITY_VARIANTS)
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    # no checkpoint: score the area lam only
    cli.add_model_args(parser, checkpoints_nargs='*', device_default='cpu',
                       num_images_default=1024)
    parser.add_argument('--mixers', nargs='+',
                        default=[m for m in FIDELITY_MIXERS
                                 if m not in ('TransMix', 'PuzzleMix',
                                              'GuidedMix-AP', 'AutoMix')],
                        choices=list(FIDELITY_MIXERS),
                        help='TransMix (labels from the class token '
                        'attention) needs a vision-transformer checkpoint, '
                        'PuzzleMix and GuidedMix-AP (mix with the input '
                        'gradient) a checkpoint, AutoMix (its learned mask) '
                        'an AutoMix/SAMix checkpoint; they are scored only '
                        'when named')
    parser.add_argument('--batch-sizes', nargs='+', type=int,
                        default=[8, 32, 64, 128, 256])
    parser.add_argument('--variants', nargs='+',
                        default=list(FIDELITY_VARIANTS),
                        choices=list(FIDELITY_VARIANTS))
    parser.add_argument('--truth', default='pixel_mass',
                        help="'pixel_mass' (objects on a flat background), "
                        "'sample' (each sample's object_mask, e.g. the "
                        "cluttered-scene regime), 'saliency' or "
                        "'module.path:function'")
    parser.add_argument('--background', type=float, default=0.0,
                        help='raw value of an empty pixel (pixel_mass)')
    parser.add_argument('--split', default='val_dataloader',
                        choices=['val_dataloader', 'test_dataloader'])
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--plot-batch-size', type=int, default=64)
    parser.add_argument('--out-dir', default='work_dirs/ratio_fidelity')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.checkpoints):
        parser.error('give one --labels entry per checkpoint')
    if any(b < 2 for b in args.batch_sizes):
        parser.error('--batch-sizes must be >= 2 (a mixer needs a partner)')
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    with cli_errors():
        import torch

        from sumix_ext.evaluation import (CheckpointSet, build_test_loader,
                                          iter_batches)
        from sumix_ext.evaluation import ratio_fidelity as rf
        ckpts = CheckpointSet.from_args(args)
        cfg = ckpts.cfg
        loader = build_test_loader(cfg, args.num_images,
                                   args.batch_size or 256, args.split)
        models = [(label, model) for _, label, model in ckpts]
        holder = models[0][1] if models else ckpts.load(None)
        batches = list(iter_batches(holder, loader))
        images = torch.cat([b[0] for b in batches])
        labels = torch.cat([b[1] for b in batches])
        pre = cfg.model.get('data_preprocessor') or cfg.get(
            'data_preprocessor', {})
        if args.truth == 'sample':
            from sumix_ext.models.classifiers.mixup_classifier import \
                stack_object_masks
            object_map = torch.cat([
                stack_object_masks(b[2]['data_samples'], b[0])
                for b in batches])
        else:
            object_map = rf.object_map_fn(args.truth,
                                          pre.get('mean', [0.0]),
                                          pre.get('std', [1.0]),
                                          args.background)
        variants = {k: rf.FIDELITY_VARIANTS[k] for k in args.variants}
        runs = [('area lam', None)] + models
        scores, panels, md = {}, {}, []
        for mixer in args.mixers:
            # a mixer that mixes with the model has no model-free run
            mixer_runs = models if rf.mixes_with_model(
                rf.FIDELITY_MIXERS[mixer]) else runs
            if not mixer_runs:
                raise ValueError(f'--mixers {mixer}: it mixes with the '
                                 'model (input gradients or a learned '
                                 'mask); give a checkpoint')
            for bs in args.batch_sizes:
                for label, model in mixer_runs:
                    ratios = rf.gather_ratios(
                        images, labels, rf.FIDELITY_MIXERS[mixer], bs,
                        object_map, model, variants, args.seed)
                    key = f'{mixer} | batch {bs} | {label}'
                    scores[key] = rf.score_ratios(ratios)
                    md.append(rf.markdown_table(scores[key], f'### {key}'))
                    if bs == args.plot_batch_size and model is not None:
                        panels[f'{mixer} b{bs} {label}'] = ratios
                print(f'{mixer} batch {bs}: done', flush=True)
        rules = [n for n in rf.LABEL_RULE_NAMES
                 if any(n in sc for sc in scores.values())]
        summary = rf.summary_table(scores, rules + list(args.variants))
        md.insert(0, '## Summary: mean |x - s| / corr / mean |x - s| where '
                  '|lam - s| > 0.2 (✓: all three fidelity targets met)\n\n'
                  + summary)
        cli.write_outputs(args.out_dir, 'ratio_fidelity', scores,
                          '\n\n'.join(md) + '\n')
        if panels:
            first = next(v for k, v in scores.items()
                         if not k.endswith('| area lam'))
            best = [rf.best_variant(first, p) for p in
                    ('scaled', 'retention', 'cam', 'saliency')]
            names = ['lam', 'official', 'official [batch mean]'] + [
                b for b in best if b]
            rf.scatter_plot(panels, names,
                            osp.join(args.out_dir, 'ratio_fidelity.png'))
        print(f'saved {args.out_dir}/ratio_fidelity.{{json,md,png}}')
    return scores


if __name__ == '__main__':
    main()
