"""Gallery of mixed samples: one row per mixer, titled with mixer and lam.

Takes ``--num`` samples from the config's training dataset (its train
pipeline and the config's data preprocessor, so the images are what the
model sees), applies each mixer to that batch (partners never the sample
itself), un-normalises and draws a grid with matplotlib. A draw that barely
mixes (mean lam outside ``SHOW_RANGE``, frequent with alpha=0.2) is redrawn,
unless ``--first-draw``. Each cell is titled
``<mixer> lam=0.63`` (lam = exact share of the sample itself). With
``--checkpoint`` (a SUMix model: ``MixupClassifier`` + ``SUMixHead``) the
cell also shows ``lam~=0.55``, the corrected ratio lam_tilde of the SUMix
loss computed from the model's ``head.forward_sumix`` on the clean and the
mixed batch (the view of Fig. 1/2 of the SUMix paper).

A mixer that mixes with the model (``BatchPuzzleMix``: the input gradient)
takes the ``--checkpoint``'s model, else the config's model untrained (a
note says so), and the config's own ``model.mixer`` arguments when the
config names that mixer (its grids must divide the image side; the last
example, on the 28-px demo).

Examples::

    python tools/visualization/vis_mix.py \
        configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py \
        --out docs/images/mix_gallery.png
    python tools/visualization/vis_mix.py CONFIG --mixers BatchFMix \
        BatchSaliencyMix --checkpoint work_dirs/<name>/epoch_4.pth --num 4
    python tools/visualization/vis_mix.py CONFIG --mixers BatchPuzzleMix \
        --cfg-options model.sumix=None "model.mixer=dict(type=\
'BatchPuzzleMix', block_num=(2, 4, 7, 14), neigh_size=7, t_size=-1)"
"""
import argparse
import sys

from sumix_ext.apis import cli, cli_errors, load_config

#: Rows are redrawn (up to MAX_REDRAWS times) until the mean lam lies here:
#: with alpha=0.2 many draws are nearly unmixed and show nothing.
SHOW_RANGE = (0.2, 0.8)
MAX_REDRAWS = 50


def parse_args(argv=None):
    from sumix_ext.models.mixers import MIXER_NAMES
    parser = argparse.ArgumentParser(
        description='PNG grid of mixed samples, one row per mixer')
    parser.add_argument('config', help='config whose train dataset and data '
                        'preprocessor are used')
    parser.add_argument('--mixers', nargs='+', default=list(MIXER_NAMES),
                        help='registered mixer names (default: all seven, '
                        'with their default arguments)')
    parser.add_argument('--checkpoint', help='SUMix checkpoint: also show '
                        'lam_tilde (lam~=) from the SUMix loss')
    parser.add_argument('--out', default='work_dirs/mix_gallery.png',
                        help='output PNG')
    parser.add_argument('--num', type=int, default=6,
                        help='samples per row (>= 2)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--first-draw', action='store_true',
                        help='show the first draw of each mixer even if it '
                        'barely mixes (default: redraw until the mean lam is '
                        f'in {SHOW_RANGE})')
    cli.add_cfg_options(parser)
    return parser.parse_args(argv)


def load_batch(cfg, num: int):
    """``num`` samples of the train dataset, through the preprocessor."""
    from mmengine.dataset import pseudo_collate
    from mmpretrain.registry import DATASETS, MODELS
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    if len(dataset) < num:
        raise ValueError(f'--num {num}: the train dataset has only '
                         f'{len(dataset)} samples; use a smaller --num')
    data = pseudo_collate([dataset[i] for i in range(num)])
    prep_cfg = cfg.get('data_preprocessor') or cfg.model.get(
        'data_preprocessor') or dict(type='ClsDataPreprocessor')
    preprocessor = MODELS.build(prep_cfg)
    data = preprocessor(data, training=False)
    return data['inputs'], data['data_samples'], preprocessor


def load_model(cfg, checkpoint: str):
    """The config's model with ``checkpoint`` loaded (strictly), eval mode."""
    from sumix_ext.evaluation import init_classifier
    model = init_classifier(cfg, checkpoint, 'cpu')
    if not hasattr(model.head, 'forward_sumix'):
        raise ValueError(f'--checkpoint: lam_tilde needs a SUMix head, the '
                         f'config has {type(model.head).__name__}; use a '
                         "config with head type='SUMixHead'")
    return model


def lam_tilde(model, inputs, mixed, targets):
    """Corrected ratio per sample: the classifier's own clean + mixed SUMix
    forward and the model's SUMix loss settings (no gradients)."""
    import torch
    from sumix_ext.models.losses import sumix_terms
    sumix = getattr(model, 'sumix', None)
    kwargs = dict(gamma=sumix.gamma, lam_reduction=sumix.lam_reduction,
                  ratio=sumix.ratio, tau=sumix.tau,
                  direction=sumix.direction, eta=sumix.eta,
                  blend=sumix.blend) if sumix is not None else {}
    with torch.no_grad():
        out = model.sumix_forward(inputs, mixed, targets, clean=True)
        terms = sumix_terms(out['cls_clean'], out['cls_mix'],
                            out['unc_clean'], out['unc_mix'], targets,
                            mixed.lam, mixed.index,
                            share=out['shares'].get(kwargs.get('ratio')),
                            **kwargs)
    return terms.lam_tilde


def row_mixer(name: str, cfg):
    """A row's mixer: its defaults, partners never the sample itself; a
    mixer that mixes with the model takes the config's ``model.mixer``
    arguments when the config names it."""
    from sumix_ext.evaluation.label_rule_fidelity import mixes_with_model
    from sumix_ext.models.mixers import build_mixer
    mixer_cfg = dict(type=name, avoid_self_pair=True)
    own = cfg.model.get('mixer') or {}
    if own.get('type') == name and mixes_with_model(dict(own)):
        mixer_cfg = dict(own, avoid_self_pair=True)
    return build_mixer(mixer_cfg)


def to_images(x, preprocessor):
    """Undo the normalisation: ``(N, C, H, W)`` -> ``(N, H, W[, 3])`` in
    ``[0, 1]`` for ``imshow``."""
    x = x.float()
    if getattr(preprocessor, '_enable_normalize', False):
        x = x * preprocessor.std + preprocessor.mean
    x = (x / 255.0).clamp(0, 1)
    if x.size(1) == 1:
        return x[:, 0].numpy()
    return x[:, :3].permute(0, 2, 3, 1).numpy()


def show(ax, image, title: str, fontsize: int = 8) -> None:
    """One gallery cell: ``image`` (``(H, W)`` grey or ``(H, W, 3)``, in
    ``[0, 1]``) titled, without ticks."""
    ax.imshow(image, cmap='gray' if image.ndim == 2 else None, vmin=0,
              vmax=1)
    ax.set_title(title, fontsize=fontsize)
    ax.set_xticks([])
    ax.set_yticks([])


def draw(rows, out: str) -> None:
    """Save the grid; ``rows`` = [(name, images, lams, tildes or None)]."""
    plt = cli.agg_pyplot()
    num = len(rows[0][1])
    fig, axes = plt.subplots(len(rows), num, squeeze=False,
                             figsize=(1.9 * num, 2.1 * len(rows)))
    for r, (name, images, lams, tildes) in enumerate(rows):
        short = name[5:] if name.startswith('Batch') else name
        for c in range(num):
            title = f'{short} lam={lams[c]:.2f}'
            if tildes is not None:
                title += f'\nlam~={tildes[c]:.2f}'
            show(axes[r][c], images[c], title)
    cli.save_figure(fig, out, dpi=100)


def main(argv=None) -> int:
    args = parse_args(argv)
    with cli_errors():
        import numpy as np
        import torch
        from mmengine.registry import init_default_scope

        import sumix_ext  # noqa: F401
        from sumix_ext.evaluation import init_classifier
        from sumix_ext.models.classifiers.procedures import (mix_batch,
                                                             procedure_of)
        from sumix_ext.models.mixers import as_lam_tensor
        if args.num < 2:
            raise ValueError(f'--num must be >= 2 (a mixer needs a partner), '
                             f'got {args.num}')
        cfg = load_config(args.config, args.cfg_options)
        init_default_scope(cfg.get('default_scope', 'mmpretrain'))
        np.random.seed(args.seed)
        torch.manual_seed(args.seed)
        inputs, samples, preprocessor = load_batch(cfg, args.num)
        model = load_model(cfg, args.checkpoint) if args.checkpoint else None
        targets = torch.cat([s.gt_label for s in samples])
        rows, helper = [], model
        for r, name in enumerate(args.mixers):
            mixer = row_mixer(name, cfg)
            if getattr(mixer, 'mixes_hidden_states', False):
                raise ValueError(
                    f'--mixers {name}: it mixes hidden states inside the '
                    'network, not images, so there is no mixed image to '
                    'draw; leave it out')
            proc = procedure_of(mixer)
            if helper is None and proc is not None and proc.mix is not None:
                helper = init_classifier(cfg, None)
                print(f'note: {name} mixes with the input gradient of the '
                      "config's untrained model (give --checkpoint for a "
                      'trained one)')
            for k in range(1 if args.first_draw else MAX_REDRAWS):
                np.random.seed(args.seed + 1000 * r + k)
                torch.manual_seed(args.seed + 1000 * r + k)
                mixed = mix_batch(helper, mixer, inputs, targets)
                lams = as_lam_tensor(mixed.lam, args.num).tolist()
                if SHOW_RANGE[0] <= np.mean(lams) <= SHOW_RANGE[1]:
                    break
            tildes = None
            if model is not None:
                tildes = lam_tilde(model, inputs, mixed, targets).tolist()
            rows.append((name, to_images(mixed.inputs, preprocessor), lams,
                         tildes))
        draw(rows, args.out)
        print(f'saved {args.out} ({len(rows)} mixers x {args.num} samples)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
