"""Gallery of AutoMix/SAMix's learned masks over training.

For each checkpoint of one AutoMix/SAMix run (for example the epochs at
the start, middle and end of training; ``--init`` adds the untrained Mix
Block first), the same ``--num`` training samples are mixed with the same
partners (sample ``i`` with ``i + 1``) at the same ``--lam``, as the
classifier's branch of a training step mixes them
(:func:`sumix_ext.models.classifiers.automix_mix.learned_mix`; the Mix
Block's own mask, without ``mask_adjust``). Two rows per checkpoint: the
partner's share of each pixel (0 black, 1 white; titled with the sample's
exact share ``lam``) and the mixed image.

Example (the fair regime's AutoMix run, docs/mixers.md)::

    python tools/visualization/vis_automix.py \\
        work_dirs/automix_seed0/<config>.py \\
        work_dirs/automix_seed0/epoch_10.pth \\
        work_dirs/automix_seed0/epoch_50.pth \\
        work_dirs/automix_seed0/epoch_100.pth \\
        --labels "epoch 10" "epoch 50" "epoch 100" --init \\
        --out docs/images/automix_masks.png
"""
import argparse
import sys

from sumix_ext.apis import cli, cli_errors, load_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="PNG grid of an AutoMix/SAMix run's learned masks, two "
        'rows per checkpoint')
    parser.add_argument('config', help='the AutoMix/SAMix config the '
                        "checkpoints were trained with (model.type="
                        "'AutoMixClassifier'; a run's dumped config)")
    parser.add_argument('checkpoints', nargs='*',
                        help='checkpoints of that run, in training order')
    parser.add_argument('--labels', nargs='+',
                        help='row label per checkpoint (default: file name)')
    parser.add_argument('--init', action='store_true',
                        help='first rows: the untrained model (seeded)')
    parser.add_argument('--lam', type=float, default=0.5,
                        help="the drawn share of each sample (default 0.5)")
    parser.add_argument('--num', type=int, default=6,
                        help='samples per row (>= 2)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--out', default='work_dirs/automix_masks.png',
                        help='output PNG')
    cli.add_cfg_options(parser)
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.checkpoints):
        parser.error('give one --labels entry per checkpoint')
    if not args.checkpoints and not args.init:
        parser.error('give checkpoints, --init, or both')
    return args


def check_inputs(cfg, args) -> None:
    """One-line errors for a config or arguments the gallery cannot use."""
    kind = cfg.model.get('type')
    if kind != 'AutoMixClassifier':
        raise ValueError(f"the config's model is {kind}, which has no "
                         'learned mask; give the AutoMix/SAMix config the '
                         "checkpoints were trained with (model.type="
                         "'AutoMixClassifier')")
    if args.num < 2:
        raise ValueError(f'--num must be >= 2 (a sample needs a partner), '
                         f'got {args.num}')
    if not 0 < args.lam < 1:
        raise ValueError(f'--lam must be in (0, 1), got {args.lam}')


def draw(rows, out: str, lam: float) -> None:
    """Save the grid; ``rows`` = [(label, masks, images, shares)]."""
    from .vis_mix import show
    plt = cli.agg_pyplot()
    num = len(rows[0][1])
    fig, axes = plt.subplots(2 * len(rows), num, squeeze=False,
                             figsize=(1.7 * num, 1.9 * 2 * len(rows)))
    for r, (label, masks, images, shares) in enumerate(rows):
        for c in range(num):
            show(axes[2 * r][c], masks[c],
                 f'{label}: mask\nshare of x {shares[c]:.2f}', 7)
            show(axes[2 * r + 1][c], images[c],
                 f'{label}: mix (lam {lam:.2f})', 7)
    cli.save_figure(fig, out, dpi=100)


def main(argv=None) -> int:
    args = parse_args(argv)
    with cli_errors():
        import numpy as np
        import torch
        from mmengine.registry import init_default_scope

        import sumix_ext  # noqa: F401
        from sumix_ext.evaluation import init_classifier
        from sumix_ext.models.classifiers.automix_mix import learned_mix
        from .vis_mix import load_batch, to_images
        cfg = load_config(args.config, args.cfg_options)
        check_inputs(cfg, args)
        init_default_scope(cfg.get('default_scope', 'mmpretrain'))
        torch.manual_seed(args.seed)
        np.random.seed(args.seed)
        inputs, _, preprocessor = load_batch(cfg, args.num)
        index = torch.roll(torch.arange(args.num), -1)
        runs = [('init', None)] if args.init else []
        runs += list(zip(args.labels or [
            p.rsplit('/', 1)[-1][:-4] for p in args.checkpoints],
            args.checkpoints))
        rows = []
        for label, ckpt in runs:
            torch.manual_seed(args.seed)
            model = init_classifier(cfg, ckpt)
            mixed, _ = learned_mix(model, inputs, args.lam, index,
                                   adjust=False)
            rows.append((label, mixed.mask[:, 0].numpy(),
                         to_images(mixed.inputs, preprocessor),
                         mixed.lam.tolist()))
        draw(rows, args.out, args.lam)
        print(f'saved {args.out} ({len(rows)} models x {args.num} samples)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
