"""Top-1 accuracy vs occluded share of the image (SUMix paper, Fig. 5).

Each test image gets one box of zeros (black pixels by default) covering a
share s = 0, 0.1, ..., 1.0 of its area, at a random (seeded, identical for
every checkpoint) or centred position; one line per checkpoint.

Example:
    python tools/analysis_tools/occlusion_robustness.py CONFIG \
        work_dirs/resnet18-w16_cutmix_1xb64-4e_fmnist/epoch_4.pth \
        work_dirs/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist/epoch_4.pth \
        --labels CutMix CutMix+SUMix --out-dir work_dirs/analysis

Writes ``occlusion.png``, ``occlusion.json`` and ``occlusion.md`` in
``--out-dir``.
"""
import argparse
import os.path as osp

from sumix_ext.apis import cli, cli_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Occlusion robustness: top-1 vs occluded share')
    cli.add_model_args(parser)
    parser.add_argument('--steps', type=int, default=11,
                        help='number of shares from 0 to 1 (default 11: '
                        '0, 0.1, ..., 1.0)')
    parser.add_argument('--mode', choices=['random', 'center'],
                        default='random', help='box position')
    parser.add_argument('--fill', type=float, default=0.0,
                        help='raw pixel value of the box (default 0, black)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random boxes')
    parser.add_argument('--out-dir', default='work_dirs/analysis',
                        help='folder for occlusion.png/.json/.md')
    return parser.parse_args(argv)


def evaluate(model, loader, shares, mode, fill, seed, progress):
    """Top-1 (%) of ``model`` at every share (same boxes for every model)."""
    import torch

    from sumix_ext.evaluation import (iter_batches, occlude, occlusion_mask,
                                      pixel_to_input)
    gens = [torch.Generator().manual_seed(seed + i)
            for i in range(len(shares))]
    fill_value = pixel_to_input(model, fill)
    correct = torch.zeros(len(shares))
    total = 0
    with torch.no_grad():
        for inputs, labels, _ in iter_batches(model, loader):
            n, _, h, w = inputs.shape
            for i, share in enumerate(shares):
                mask = occlusion_mask(n, h, w, share, mode, gens[i],
                                      inputs.device)
                logits = model(occlude(inputs, mask, fill_value.to(inputs)),
                               mode='tensor')
                correct[i] += (logits.argmax(1) == labels).sum().item()
            total += n
            progress.update()
    return (100.0 * correct / max(total, 1)).tolist(), total


def plot(shares, curves, path):
    plt = cli.agg_pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for label, acc in curves.items():
        ax.plot([100 * s for s in shares], acc, marker='o', ms=4, label=label)
    ax.set_xlabel('occluded share of the image (%)')
    ax.set_ylabel('top-1 accuracy (%)')
    ax.set_title('Occlusion robustness')
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend()
    cli.save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        from mmengine.utils import ProgressBar

        from sumix_ext.evaluation import CheckpointSet, build_test_loader
        if args.steps < 2:
            raise ValueError(f'--steps must be >= 2, got {args.steps}')
        ckpts = CheckpointSet.from_args(args)
        loader = build_test_loader(ckpts.cfg, args.num_images,
                                   args.batch_size)
        shares = [round(i / (args.steps - 1), 4) for i in range(args.steps)]
        progress = ProgressBar(len(loader) * len(ckpts))
        curves, n_images = {}, 0
        for _, label, model in ckpts:
            curves[label], n_images = evaluate(model, loader, shares,
                                               args.mode, args.fill,
                                               args.seed, progress)
        print()
        png = osp.join(args.out_dir, 'occlusion.png')
        header = '| Checkpoint | ' + ' | '.join(
            f'{100 * s:.0f}%' for s in shares) + ' |'
        md = [f'Top-1 (%) vs occluded share ({args.mode} box, fill '
              f'{args.fill:g}, {n_images} images)', '', header,
              '|:--|' + '--:|' * len(shares)]
        md += [f'| {k} | ' + ' | '.join(f'{a:.2f}' for a in v) + ' |'
               for k, v in curves.items()]
        cli.write_outputs(args.out_dir, 'occlusion', dict(
            shares=shares, top1=curves, mode=args.mode, fill=args.fill,
            num_images=n_images,
            checkpoints=dict(zip(ckpts.labels, ckpts.checkpoints))),
            '\n'.join(md) + '\n')
        plot(shares, curves, png)
        print('\n'.join(md))
        print(f'saved {png}')
    return curves


if __name__ == '__main__':
    main()
