"""Grad-CAM overlays for chosen test images, checkpoints side by side.

Rows are images, columns the input and one overlay per checkpoint (titled
with the prediction and its probability). Maps are for the predicted class
(``--target-class pred``, default) or the ground truth (``gt``); the target
layer defaults to the backbone output (its last stage), as mmpretrain's
``vis_cam.py`` does with ``--target-layers``.

Example:
    python tools/visualization/vis_cam.py CONFIG \
        work_dirs/resnet18-w16_cutmix_1xb64-4e_fmnist/epoch_4.pth \
        work_dirs/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist/epoch_4.pth \
        --labels CutMix CutMix+SUMix --indices 0 1 2 3 \
        --out-file work_dirs/analysis/cam.png

    # mmpretrain's order: an image file first, then CONFIG CHECKPOINT
    python tools/visualization/vis_cam.py demo.png CONFIG CKPT \
        --target-layers backbone.layer3 --save-path work_dirs/cam.png

Writes the PNG and, next to it, ``<name>.json`` / ``<name>.md`` with the
predictions.
"""
import argparse
import os
import os.path as osp
import textwrap

from sumix_ext.apis import cli, cli_errors


IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def _image_first(argv):
    """mmpretrain's ``vis_cam.py IMG CONFIG CHECKPOINT ...``: an image file
    as the first argument becomes ``--image IMG``."""
    import sys
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0].lower().endswith(IMAGE_EXTS):
        return argv[1:] + ['--image', argv[0]]
    return argv


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Grad-CAM of several checkpoints on test images')
    cli.add_model_args(parser)
    parser.add_argument('--image', default=None,
                        help='an image file instead of --indices (also as '
                        "the first argument, mmpretrain's order); run "
                        "through the config's test pipeline")
    parser.add_argument('--indices', type=int, nargs='+',
                        default=[0, 1, 2, 3],
                        help='test-set indices of the images to show')
    parser.add_argument('--target-layer', '--target-layers',
                        dest='target_layer', default=None,
                        help="dotted module name, e.g. 'backbone.layer3' "
                        "or 'backbone.layers.11.ln1' (default: the backbone "
                        "output = last stage; a ViT's last block's ln1)")
    parser.add_argument('--target-class', '--target-category',
                        dest='target_class', default='pred',
                        help="explain the predicted class ('pred'), the "
                        "true one ('gt') or a class index")
    parser.add_argument('--method', default='GradCAM',
                        help='only GradCAM is implemented (mmpretrain name)')
    parser.add_argument('--vit-like', action='store_true',
                        help='accepted for mmpretrain compatibility: token '
                        'outputs (N, L, C) are reshaped automatically')
    parser.add_argument('--num-extra-tokens', type=int, default=None,
                        help='leading class/distillation tokens to drop '
                        "(default: the backbone's num_extra_tokens)")
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='overlay opacity of the heat map')
    parser.add_argument('--out-file', '--save-path', dest='out_file',
                        default='work_dirs/analysis/cam.png',
                        help='output PNG')
    args = parser.parse_args(_image_first(argv))
    if args.image is not None and args.target_class == 'gt':
        parser.error("--target-class gt needs a test-set image (--indices); "
                     "an image file has no label: use 'pred' or an index")
    if args.method.lower() != 'gradcam':
        parser.error(f'--method {args.method}: only GradCAM is implemented '
                     'here (mmpretrain also offers the pytorch-grad-cam '
                     'methods)')
    if args.target_class not in ('pred', 'gt') and not str(
            args.target_class).isdigit():
        parser.error("--target-class must be 'pred', 'gt' or a class index")
    return args


def load_image_file(cfg, path):
    """One image file through the config's test pipeline (its own loading
    step replaced: grey when the data preprocessor has one channel), as a
    batch of one; the label slot holds 0 (unused: the file has none)."""
    import mmcv
    from mmengine.dataset import Compose, pseudo_collate
    from mmengine.registry import init_default_scope
    if not osp.isfile(path):
        raise FileNotFoundError(f'--image {path}: no such file')
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    pre = cfg.model.get('data_preprocessor') or cfg.get(
        'data_preprocessor') or {}
    grey = len(pre.get('mean', [0, 0, 0])) == 1
    img = mmcv.imread(path, flag='grayscale' if grey else 'color')
    if img is None:
        raise ValueError(f'--image {path}: not a readable image')
    steps = [t for t in cfg.test_dataloader.dataset.pipeline
             if t.get('type') != 'LoadImageFromFile']
    item = Compose(steps)(dict(img=img, img_shape=img.shape[:2],
                               ori_shape=img.shape[:2], gt_label=0,
                               img_path=path))
    return pseudo_collate([item]), None


def load_images(cfg, indices):
    """The chosen test samples, collated as one batch."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    bad = [i for i in indices if not -len(dataset) <= i < len(dataset)]
    if bad:
        raise ValueError(f'--indices {bad} out of range: the test set has '
                         f'{len(dataset)} images')
    classes = dataset.metainfo.get('classes') or None
    return pseudo_collate([dataset[i] for i in indices]), classes


def to_display(raw, bgr=False):
    """``(C, H, W)`` uint8 tensor -> ``(H, W)`` or RGB ``(H, W, 3)`` float.

    ``bgr``: the raw image is BGR (the preprocessor has ``to_rgb=True``).
    """
    img = raw.float().cpu() / 255.0
    if img.shape[0] == 1:
        return img[0].numpy(), 'gray'
    img = img[:3].flip(0) if bgr else img[:3]
    return img.permute(1, 2, 0).numpy(), None


def plot(raws, columns, gt_names, alpha, path, bgr=False):
    plt = cli.agg_pyplot()
    rows, cols = len(raws), len(columns) + 1
    fig, axes = plt.subplots(rows, cols, figsize=(2.1 * cols, 2.2 * rows),
                             squeeze=False)
    for r, raw in enumerate(raws):
        img, cmap = to_display(raw, bgr)
        axes[r, 0].imshow(img, cmap=cmap)
        axes[r, 0].set_title(f'input: {gt_names[r]}', fontsize=8)
        for c, (label, cams, titles) in enumerate(columns, start=1):
            axes[r, c].imshow(img, cmap=cmap)
            axes[r, c].imshow(cams[r], cmap='jet', alpha=alpha, vmin=0,
                              vmax=1)
            head = textwrap.fill(label, 24) + '\n' if r == 0 else ''
            axes[r, c].set_title(head + titles[r], fontsize=8)
    for ax in axes.flat:
        ax.axis('off')
    cli.save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    with cli_errors():
        import torch
        from mmengine.utils import ProgressBar

        from sumix_ext.evaluation import CheckpointSet, GradCAM
        ckpts = CheckpointSet.from_args(args)
        if args.image is not None:
            batch, classes = load_image_file(ckpts.cfg, args.image)
            args.indices = [osp.basename(args.image)]
        else:
            batch, classes = load_images(ckpts.cfg, args.indices)

        def name(c):
            return classes[c] if classes and c < len(classes) else str(c)

        columns, table = [], {}
        progress = ProgressBar(len(ckpts))
        for ckpt, label, model in ckpts:
            data = model.data_preprocessor(batch, False)
            gt = torch.cat([s.gt_label for s in data['data_samples']])
            gt = gt.to(data['inputs'].device)
            if args.target_class == 'gt':
                target = gt
            elif args.target_class == 'pred':
                target = None
            else:
                target = torch.full_like(gt, int(args.target_class))
            grad_cam = GradCAM(model, args.target_layer,
                               args.num_extra_tokens)
            cams, logits = grad_cam(data['inputs'], target)
            prob, pred = logits.softmax(1).max(1)
            titles = [f'{name(p)} ({100 * q:.0f}%)'
                      for p, q in zip(pred.tolist(), prob.tolist())]
            columns.append((label, cams.cpu().numpy(), titles))
            table[label] = dict(checkpoint=ckpt, predicted=[
                name(p) for p in pred.tolist()], probability=prob.tolist())
            progress.update()
        print()
        gt_names = ['image file'] if args.image is not None else [
            name(int(s.gt_label)) for s in batch['data_samples']]
        out_dir = osp.dirname(args.out_file) or '.'
        os.makedirs(out_dir, exist_ok=True)
        stem = osp.splitext(osp.basename(args.out_file))[0]
        md = ['| Checkpoint | ' + ' | '.join(
            f'#{i} ({g})' for i, g in zip(args.indices, gt_names)) + ' |',
              '|:--|' + ':--|' * len(args.indices)]
        md += [f'| {k} | ' + ' | '.join(
            f'{p} ({100 * q:.0f}%)'
            for p, q in zip(v['predicted'], v['probability'])) + ' |'
            for k, v in table.items()]
        cli.write_outputs(out_dir, stem, dict(
            indices=args.indices, ground_truth=gt_names,
            target_class=args.target_class,
            target_layer=args.target_layer or 'backbone', predictions=table),
            '\n'.join(md) + '\n')
        bgr = bool(getattr(model.data_preprocessor, 'to_rgb', False))
        plot(batch['inputs'], columns, gt_names, args.alpha, args.out_file,
             bgr)
        print('\n'.join(md))
        print(f'saved {args.out_file}')
    return table


if __name__ == '__main__':
    main()
