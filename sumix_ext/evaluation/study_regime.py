"""What a study runs on: the regime's oracle leaf, per-run records of the
config actually run, the check that every run of a table used one regime,
and prior reports of the same regime (used by :mod:`.study`)."""
import glob
import json
import os
import os.path as osp
from typing import Optional, Sequence

from ..apis.renamed_configs import current_config


#: file in each run folder recording what the study ran there
RUN_RECORD = 'study_run.json'


def object_mask_packed(cfg) -> bool:
    """Whether a config's training pipeline packs each sample's
    ``object_mask`` (then the truth is the mask, not the pixel mass)."""
    pipeline = cfg.train_dataloader.dataset.get('pipeline') or []
    return any(
        t.get('type') == 'PackInputs'
        and 'object_mask' in (t.get('algorithm_keys') or ()) for t in
        pipeline)


def oracle_mixer(cfg) -> dict:
    """The oracle mixer of a regime config: its own ``model.mixer``,
    labelled with the true object share (``TrueShareMixer``).

    The truth is each sample's ``object_mask`` where the pipeline packs one
    (cluttered scenes), else the pixel mass above black with the config's
    ``data_preprocessor`` mean/std (objects on black).

    Raises:
        ValueError: The config has no mask-based ``model.mixer``.
    """
    mixer = cfg.model.get('mixer')
    if not isinstance(mixer, dict) or mixer.get('type') in (
            None, 'BatchMixup', 'TrueShareMixer', 'RandomMixer'):
        raise ValueError(
            f'{cfg.filename}: the oracle arm labels the config\'s own mixer '
            f'with the true object share, so model.mixer must be one '
            f'mask-based mixer (e.g. BatchCutMix), got {mixer!r}; set it, '
            'or give --oracle-config')
    mixer = {k: v for k, v in mixer.items() if k != '_delete_'}
    out = dict(_delete_=True, type='TrueShareMixer', mixer=mixer)
    if object_mask_packed(cfg):
        out['truth'] = 'sample'
    else:
        pre = cfg.model.get('data_preprocessor') or cfg.get(
            'data_preprocessor') or {}
        out.update(truth='pixel_mass', mean=list(pre.get('mean', [0.0])),
                   std=list(pre.get('std', [1.0])), background=0.0)
    return out


#: What the leaf :func:`write_oracle_config` writes changes (the report
#: names the regime and this line, not the leaf's scratch path).
ORACLE_LEAF = ('written by the study tool: the regime with its mixer '
               'wrapped in TrueShareMixer (labels = true object share), '
               'SUMix off')


def write_oracle_config(config: str, work_root: str) -> str:
    """Write the oracle leaf of ``config`` (:func:`oracle_mixer`, SUMix
    off) into ``work_root/configs/`` and return its path. The leaf only
    swaps the mixer: everything else is ``config``'s own."""
    from mmengine.config import Config
    cfg = Config.fromfile(config, import_custom_modules=False)
    mixer = oracle_mixer(cfg)
    folder = osp.join(work_root, 'configs')
    os.makedirs(folder, exist_ok=True)
    path = osp.join(folder, 'oracle_' + osp.basename(config))
    with open(path, 'w') as f:
        f.write('# Written by the study tool: the oracle arm of the regime '
                'below (its own mixer,\n# labelled with the true object '
                'share). Do not edit; rerun the study.\n'
                f'_base_ = [{osp.abspath(config)!r}]\n'
                f'model = dict(mixer={mixer!r}, sumix=None)\n')
    return path


def write_run_record(work_dir: str, regime: str, arm,
                     seed: int) -> None:
    """Record in the run folder the regime, the config actually run, the
    options and the seed (:func:`collect` checks them)."""
    with open(osp.join(work_dir, RUN_RECORD), 'w') as f:
        json.dump(dict(regime=osp.normpath(regime),
                       config=osp.normpath(arm.config or regime),
                       options=list(arm.options), seed=seed), f, indent=1)


def run_config(work_dir: str) -> Optional[dict]:
    """What a run folder was trained with: its :data:`RUN_RECORD`, or, for
    runs of older versions of the tool, the config MMEngine dumped there
    (``{'config': basename}``); None when neither exists."""
    path = osp.join(work_dir, RUN_RECORD)
    if osp.isfile(path):
        with open(path) as f:
            return json.load(f)
    dumped = [p for p in glob.glob(osp.join(work_dir, '*.py'))]
    return dict(config=osp.basename(dumped[0])) if len(dumped) == 1 else None


class RegimeMismatch(ValueError):
    """A run folder holds a run of another config than the study's."""


def check_run_config(work_dir: str, regime: str, arm) -> Optional[str]:
    """The config a run actually ran (path from its record or the basename
    MMEngine dumped), after checking it is the one this arm runs on this
    regime.

    Raises:
        RegimeMismatch: The run was made with another config or options.
    """
    rec = run_config(work_dir)
    if rec is None:
        return None
    want = osp.normpath(arm.config or regime)
    # runs recorded under a config's old name count as the renamed config
    if 'regime' in rec:
        same = (current_config(rec['regime']) == osp.normpath(regime)
                and osp.basename(current_config(rec['config'])) ==
                osp.basename(want)
                and list(rec.get('options', [])) == list(arm.options))
    else:
        same = current_config(rec['config']) == osp.basename(want)
    if not same:
        raise RegimeMismatch(
            f'{work_dir} holds a run of {rec.get("config")} '
            f'(options {rec.get("options", "unknown")}), not of '
            f'{want} with {list(arm.options)}: arms of different configs '
            'cannot share a table; use another --work-root (or '
            '--oracle-config naming the config that run used)')
    return rec.get('config')


def _with_prior(runs: dict, arm, prior: dict,
                seeds: Sequence[int]) -> dict:
    """``runs`` plus the prior report's runs of the same arm (same options)
    for the ``seeds`` not in ``runs``."""
    old = prior.get('arms', {}).get(arm.name)
    if not old:
        return runs
    if list(old.get('options', [])) != list(arm.options):
        raise RegimeMismatch(
            f'--prior: arm {arm.name!r} ran with {old.get("options")} there '
            f'but {list(arm.options)} here; drop --prior or the arm')
    merged = {int(k): dict(v, source='prior')
              for k, v in old.get('runs', {}).items() if int(k) in seeds}
    merged.update(runs)
    return dict(sorted(merged.items()))


def load_prior(path: str, regime: str) -> dict:
    """A previous report of the same regime (:func:`collect` ``prior``).

    Raises:
        RegimeMismatch: The report is of another config.
    """
    with open(path) as f:
        prior = json.load(f)
    if current_config(osp.normpath(prior.get('config', ''))) != \
            osp.normpath(regime):
        raise RegimeMismatch(
            f'--prior {path} reports {prior.get("config")}, not {regime}: '
            'runs of different regimes cannot share a table')
    return prior
