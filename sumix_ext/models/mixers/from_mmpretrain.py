"""mmpretrain's batch augments (``train_cfg.augments``) as our mixers, so
SUMix can be switched on over a stock mmpretrain mixup config."""
from typing import Union

#: mmpretrain augment -> (our mixer, how its arguments map)
_MAP = {
    'Mixup': 'BatchMixup',
    'CutMix': 'BatchCutMix',
    'ResizeMix': 'BatchResizeMix',
}


def _one(cfg: dict) -> dict:
    cfg = dict(cfg)
    kind = cfg.pop('type')
    if kind not in _MAP:
        return dict(cfg, type=kind)  # one of ours (Batch*) already
    if cfg.pop('cutmix_minmax', None) is not None or not cfg.pop(
            'correct_lam', True):
        raise ValueError(
            f"train_cfg.augments {kind}: cutmix_minmax / correct_lam=False "
            "have no equivalent in our mixers (they always report the exact "
            'area lam SUMix needs); drop those keys to use SUMix')
    out = dict(type=_MAP[kind], alpha=float(cfg.pop('alpha')))
    if kind == 'ResizeMix':  # lam ~ Beta(alpha) scaled into [min, max]
        out.update(scope=(cfg.pop('lam_min', 0.1), cfg.pop('lam_max', 0.8)),
                   use_alpha=True,
                   interpolation=cfg.pop('interpolation', 'bilinear'))
    if cfg:
        raise ValueError(f'train_cfg.augments {kind}: unknown keys '
                         f'{sorted(cfg)} for {_MAP[kind]}')
    return out


def mixer_from_augments(train_cfg: dict) -> dict:
    """Our mixer config for an mmpretrain ``train_cfg``'s ``augments``.

    ``Mixup``/``CutMix``/``ResizeMix`` become ``BatchMixup``/
    ``BatchCutMix``/``BatchResizeMix`` with the same maths; a list of
    augments (with ``train_cfg.probs``, as mmpretrain's
    ``RandomBatchAugment``) becomes a ``RandomMixer``.

    Args:
        train_cfg (dict): The model's ``train_cfg`` with ``augments``.

    Returns:
        dict: A mixer config for ``MixupClassifier(mixer=...)``.
    """
    augments: Union[dict, list] = train_cfg['augments']
    if isinstance(augments, dict):
        return _one(augments)
    mixers = [_one(a) for a in augments]
    probs = train_cfg.get('probs')
    return dict(type='RandomMixer', mixers=mixers,
                probs=list(probs) if probs is not None else None)
