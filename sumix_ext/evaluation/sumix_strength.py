"""The strength of the official SUMix correction in a config (the batch and
class count it scales with; docs/sumix_analysis.md)."""
from typing import Sequence


def sumix_strength(config: str) -> dict:
    r"""Strength :math:`N/\sqrt K` of the official ratio correction in a
    config (:math:`N` = per-process batch, :math:`K` = classes): the
    official logit shift is :math:`N(\hat s_b - \hat s_a)` with
    :math:`|\hat s| \le 1` and typical differences of order
    :math:`1/\sqrt K`.

    Args:
        config (str): A config file with ``train_dataloader.batch_size``
            and ``model.head.num_classes``.

    Returns:
        dict: ``config``, ``batch`` (per process), ``classes``,
        ``strength`` and ``sumix`` (whether the config trains with SUMix)
        and its ``ratio``.
    """
    import os.path as osp

    from mmengine.config import Config
    cfg = Config.fromfile(config, import_custom_modules=False)
    n = int(cfg.train_dataloader.batch_size)
    k = int(cfg.model.head.num_classes)
    sumix = cfg.model.get('sumix')
    return dict(config=osp.relpath(config), batch=n, classes=k,
                strength=n / k**0.5, sumix=sumix is not None,
                ratio=(sumix or {}).get('ratio', 'official')
                if sumix is not None else None)


def strength_table(configs: Sequence[str]) -> str:
    """Markdown table of :func:`sumix_strength` for the configs that train
    with the official SUMix ratio."""
    lines = ['| config | batch per process N | classes K | N/sqrt(K) |',
             '|:--|--:|--:|--:|']
    for path in configs:
        row = sumix_strength(path)
        if row['sumix'] and row['ratio'] == 'official':
            lines.append(f'| `{row["config"]}` | {row["batch"]} | '
                         f'{row["classes"]} | {row["strength"]:.1f} |')
    return '\n'.join(lines)
