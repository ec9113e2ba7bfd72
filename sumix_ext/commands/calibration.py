"""Expected calibration error and reliability diagrams per checkpoint.

ECE = sum_m |B_m|/n |acc(B_m) - conf(B_m)| over equal-width confidence bins
(Guo et al., 2017); see :func:`sumix_ext.evaluation.reliability_bins`.

Example:
    python tools/analysis_tools/calibration.py CONFIG \
        work_dirs/resnet18-w16_cutmix_1xb64-4e_fmnist/epoch_4.pth \
        work_dirs/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist/epoch_4.pth \
        --labels CutMix CutMix+SUMix --out-dir work_dirs/analysis

Writes ``calibration.png`` (one reliability diagram per checkpoint, side by
side), ``calibration.json`` and ``calibration.md`` in ``--out-dir``.
"""
import argparse
import os.path as osp

from sumix_ext.apis import cli, cli_errors


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Calibration: ECE and reliability diagrams')
    cli.add_model_args(parser)
    parser.add_argument('--bins', type=int, default=15,
                        help='number of confidence bins (default 15)')
    parser.add_argument('--out-dir', default='work_dirs/analysis',
                        help='folder for calibration.png/.json/.md')
    return parser.parse_args(argv)


def predict(model, loader, progress):
    """Softmax probabilities and labels over the whole loader."""
    import torch

    from sumix_ext.evaluation import iter_batches
    probs, labels = [], []
    with torch.no_grad():
        for inputs, target, _ in iter_batches(model, loader):
            probs.append(model(inputs, mode='tensor').softmax(1).cpu())
            labels.append(target.cpu())
            progress.update()
    return torch.cat(probs), torch.cat(labels)


def plot(results, path):
    plt = cli.agg_pyplot()
    n = len(results)
    fig, axes = plt.subplots(1, n, figsize=(3.8 * n, 4), squeeze=False)
    for ax, (label, bins) in zip(axes[0], results.items()):
        edges = bins.edges.numpy()
        width = edges[1] - edges[0]
        filled = bins.count.numpy() > 0
        ax.bar(edges[:-1][filled], bins.accuracy.numpy()[filled],
               width=width, align='edge', color='tab:blue',
               edgecolor='black', lw=0.5, label='accuracy')
        acc = bins.accuracy.numpy()[filled]
        conf = bins.confidence.numpy()[filled]
        ax.bar(edges[:-1][filled], abs(conf - acc),
               bottom=[min(a, c) for a, c in zip(acc, conf)], width=width,
               align='edge', facecolor='none', edgecolor='tab:red',
               hatch='///', lw=0.8, zorder=3, label='gap to confidence')
        ax.plot([0, 1], [0, 1], 'k--', lw=1, label='perfect calibration')
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel('confidence')
        ax.set_ylabel('accuracy')
        ax.set_title(f'{label}\nECE = {100 * bins.ece:.2f}%', fontsize=9)
        ax.legend(loc='upper left', fontsize=7)
    cli.save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        from mmengine.utils import ProgressBar

        from sumix_ext.evaluation import (CheckpointSet, build_test_loader,
                                          reliability_bins)
        ckpts = CheckpointSet.from_args(args)
        loader = build_test_loader(ckpts.cfg, args.num_images,
                                   args.batch_size)
        progress = ProgressBar(len(loader) * len(ckpts))
        results, rows = {}, {}
        for ckpt, label, model in ckpts:
            probs, target = predict(model, loader, progress)
            bins = reliability_bins(probs, target, args.bins)
            results[label] = bins
            conf, pred = probs.max(1)
            rows[label] = dict(
                checkpoint=ckpt, num_images=len(target), ece=100 * bins.ece,
                top1=100 * (pred == target).double().mean().item(),
                mean_confidence=100 * conf.double().mean().item(),
                bins=dict(count=bins.count.tolist(),
                          accuracy=bins.accuracy.tolist(),
                          confidence=bins.confidence.tolist()))
        print()
        md = [f'Calibration ({args.bins} bins)', '',
              '| Checkpoint | Images | Top-1 (%) | Mean confidence (%) | '
              'ECE (%) |', '|:--|--:|--:|--:|--:|']
        md += [f'| {k} | {r["num_images"]} | {r["top1"]:.2f} | '
               f'{r["mean_confidence"]:.2f} | {r["ece"]:.2f} |'
               for k, r in rows.items()]
        cli.write_outputs(args.out_dir, 'calibration', rows,
                          '\n'.join(md) + '\n')
        png = osp.join(args.out_dir, 'calibration.png')
        plot(results, png)
        print('\n'.join(md))
        print(f'saved {png}')
    return rows


if __name__ == '__main__':
    main()
