"""MMEngine ``Runner`` with crash-safe checkpoints and auto-resume."""
import glob
import os
import os.path as osp
from typing import Optional

import torch
from mmengine.dist import master_only
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..preflight import empty_dataset, fewer_than_one_batch
from .resume import (LEGACY_MAGIC, RUN_FILE, TMP_SUFFIX,  # noqa: F401
                     _fsync, checkpoint_problem, checkpoint_run_id,
                     find_resumable_checkpoint, new_run_id,
                     numbered_checkpoints, read_last_run)
from ..checkpoint_match import CheckpointMismatchError, check_checkpoint_fits

#: hooks every run needs (exact resume, pre-flight checks); added when a
#: config's own ``custom_hooks`` list (which replaces the base list) lacks
#: them
REQUIRED_HOOKS = ('RNGStateHook', 'SanityCheckHook')


def with_required_hooks(hooks) -> list:
    """``hooks`` plus any of :data:`REQUIRED_HOOKS` it lacks.

    A child config's ``custom_hooks = [dict(type='EMAHook')]`` replaces the
    base list, which silently dropped exact resume and the pre-flight
    checks; they are put back here (a hook given with its own settings is
    kept as given).

    Args:
        hooks (list | None): ``custom_hooks`` of the config.

    Returns:
        list: The hooks to register.
    """
    hooks = list(hooks or [])
    names = {h.get('type') if isinstance(h, dict) else type(h).__name__
             for h in hooks}
    return hooks + [dict(type=n) for n in REQUIRED_HOOKS if n not in names]


@RUNNERS.register_module()
class SUMixRunner(Runner):
    """``Runner`` whose checkpoints are never half-written.

    * :meth:`save_checkpoint` writes ``<name>.tmp``, flushes it to disk
      (``fsync``) and renames it over ``<name>`` (``os.replace`` is atomic
      on POSIX), so a process killed at any moment leaves either the old
      file or the complete new one. Remote backends (``backend_args``) are
      written as MMEngine does.
    * Auto ``--resume`` uses :func:`find_resumable_checkpoint`: a damaged or
      dangling ``last_checkpoint`` falls back to the newest complete
      checkpoint; leftover ``*.pth.tmp`` files are deleted, never loaded.
    * ``tools/train.py`` moves an earlier run's files out of the way
      before a fresh run builds this runner
      (:func:`~sumix_ext.engine.runner.run_archive.archive_before_training`).
    * A save that fails (a full disk) removes its partial ``.tmp`` and
      names the checkpoint it was writing.
    * An empty dataset is reported by name (MMEngine fails inside numpy
      with "need at least one array to concatenate").
    * Distributed runs are wrapped in ``SUMixDistributedDataParallel``
      (MMEngine's DDP wrapper that also runs the model's after-step work,
      e.g. AutoMix's momentum update) unless the config names a wrapper.
    * ``RNGStateHook`` and ``SanityCheckHook`` are always registered, also
      when a config's own ``custom_hooks`` list leaves them out
      (:func:`with_required_hooks`).

    Select it with ``runner_type = 'SUMixRunner'`` (set in
    ``configs/_base_/default_runtime.py``).
    """

    def __init__(self, *args, **kwargs):
        kwargs['custom_hooks'] = with_required_hooks(
            kwargs.get('custom_hooks'))
        super().__init__(*args, **kwargs)
        #: id of this run, made at its first start and kept across resumes
        #: (recorded in every checkpoint's ``meta['run_id']``)
        self.run_id: Optional[str] = None

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str,
                        file_client_args: Optional[dict] = None,
                        save_optimizer: bool = True,
                        save_param_scheduler: bool = True,
                        meta: Optional[dict] = None, by_epoch: bool = True,
                        backend_args: Optional[dict] = None) -> None:
        """Same as :meth:`mmengine.runner.Runner.save_checkpoint`, atomic on
        local disks."""
        local = file_client_args is None and isinstance(
            get_file_backend(out_dir, backend_args=backend_args),
            LocalBackend)
        tmp_name = filename + TMP_SUFFIX if local else filename
        meta = dict(meta or {}, run_id=self.run_id)
        if not local:
            return super().save_checkpoint(
                out_dir, filename, file_client_args=file_client_args,
                save_optimizer=save_optimizer,
                save_param_scheduler=save_param_scheduler, meta=meta,
                by_epoch=by_epoch, backend_args=backend_args)
        tmp_path = osp.join(out_dir, tmp_name)
        final = osp.join(out_dir, filename)
        try:
            super().save_checkpoint(
                out_dir, tmp_name, save_optimizer=save_optimizer,
                save_param_scheduler=save_param_scheduler, meta=meta,
                by_epoch=by_epoch, backend_args=backend_args)
            _fsync(tmp_path)
        except BaseException as exc:
            # never leave a partial file behind (a full disk stays full)
            if osp.exists(tmp_path):
                os.remove(tmp_path)
            if isinstance(exc, OSError) and not exc.filename:
                # MMEngine writes the bytes with a bare f.write(): name it
                raise OSError(exc.errno, exc.strerror, final) from exc
            raise
        os.replace(tmp_path, final)
        _fsync(out_dir)

    @staticmethod
    def build_dataloader(dataloader, seed: Optional[int] = None,
                         diff_rank_seed: bool = False):
        """:meth:`Runner.build_dataloader` with a clear empty-dataset
        error."""
        try:
            loader = Runner.build_dataloader(
                dataloader, seed=seed, diff_rank_seed=diff_rank_seed)
        except ValueError as exc:
            if 'need at least one array' not in str(exc) or not isinstance(
                    dataloader, dict):
                raise
            ds = dict(dataloader.get('dataset') or {})
            keys = ('data_root', 'split', 'ann_file', 'indices')
            parts = [f'{k}={ds[k]!r}' for k in keys
                     if ds.get(k) not in (None, '')]
            raise empty_dataset(
                f"dataset {ds.get('type', '?')}({', '.join(parts)})") from None
        if len(loader) == 0:  # MMEngine would fail on epoch_length=0
            raise fewer_than_one_batch(type(loader.dataset).__name__,
                                       len(loader.dataset),
                                       loader.batch_size)
        return loader

    def _maybe_compile(self, target: str) -> None:
        """``compile=True`` (or a dict of ``torch.compile`` options)
        compiles the network only: ``backbone``, ``neck`` and ``head`` of
        the classifier, in place (``nn.Module.compile``: state-dict keys
        unchanged, checkpoints stay loadable). MMEngine compiles the whole
        ``train_step``, mixer and data preprocessor included: the mixer's
        random box sizes (Python ints) then break and recompile the graph
        at every new size. Models without those parts: as MMEngine does."""
        compile_cfg = self.cfg.get('compile', None)
        if not compile_cfg:
            return
        model = self._unwrapped_model()
        parts = [getattr(model, name, None)
                 for name in ('backbone', 'neck', 'head')]
        parts = [p for p in parts if isinstance(p, torch.nn.Module)]
        if not parts:
            return super()._maybe_compile(target)
        if getattr(model, '_network_compiled', False):
            return
        options = compile_cfg if isinstance(compile_cfg, dict) else {}
        for part in parts:
            part.compile(**options)
        model._network_compiled = True
        self.logger.info('compiled the network (backbone, neck, head); the '
                         'mixer and the loss run eagerly. The first '
                         'iterations are slow while it compiles.')

    def wrap_model(self, model_wrapper_cfg: Optional[dict], model):
        """:meth:`Runner.wrap_model` with
        :class:`~sumix_ext.engine.model_wrappers.SUMixDistributedDataParallel`
        as the distributed default (MMEngine's defaults otherwise: the same
        step, plus the model's ``after_train_step``, e.g. AutoMix/SAMix's
        momentum update). A config's own ``model_wrapper_cfg`` is kept; a
        model with an after-step under another wrapper stops in one line
        at its first training step."""
        if self.distributed and model_wrapper_cfg is None:
            model_wrapper_cfg = dict(
                type='SUMixDistributedDataParallel', broadcast_buffers=False,
                find_unused_parameters=self.cfg.get('find_unused_parameters',
                                                    False))
        return super().wrap_model(model_wrapper_cfg, model)

    def _unwrapped_model(self):
        """The classifier itself: without a DDP wrapper and without a
        test-time-augmentation wrapper (``--tta``), whose ``module`` is the
        model the checkpoint was saved from."""
        from mmengine.model import BaseTTAModel, is_model_wrapper
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        return model.module if isinstance(model, BaseTTAModel) else model

    def _checked(self, filename: str, allow_partial: bool) -> None:
        """Stop with one line unless ``filename`` is a checkpoint that fits
        the model (see :mod:`sumix_ext.engine.checkpoint_match`)."""
        from mmengine.fileio import get_file_backend as backend_of
        if not isinstance(backend_of(filename), LocalBackend):
            return  # remote files: MMEngine's own checks
        problem = checkpoint_problem(filename)
        if problem == 'missing':
            raise FileNotFoundError(f'checkpoint not found: {filename}')
        if problem is not None:
            raise CheckpointMismatchError(
                f'not a checkpoint, or corrupt or truncated: {filename} '
                f'({problem}); give a complete .pth file saved by '
                'tools/train.py')
        from mmengine.runner.checkpoint import _load_checkpoint
        ckpt = _load_checkpoint(filename, map_location='cpu')
        check_checkpoint_fits(self._unwrapped_model(), ckpt, filename,
                              allow_partial)

    def load_checkpoint(self, filename: str, map_location='cpu',
                        strict: bool = False,
                        revise_keys=[(r'^module.', '')]):
        """:meth:`Runner.load_checkpoint` (``load_from``, ``tools/test.py``)
        that refuses a checkpoint of another model unless the config sets
        ``load_partial=True`` (``--partial-load``)."""
        self._checked(filename, bool(self.cfg.get('load_partial', False)))
        return super().load_checkpoint(filename, map_location=map_location,
                                       strict=strict,
                                       revise_keys=revise_keys)

    def resume(self, filename: str, resume_optimizer: bool = True,
               resume_param_scheduler: bool = True,
               map_location='default') -> None:
        """:meth:`Runner.resume` that first checks the file is a checkpoint
        of this model (a checkpoint of another config is one line, not a
        tensor-size error deep in the optimizer)."""
        self._checked(filename, False)
        return super().resume(filename, resume_optimizer,
                              resume_param_scheduler, map_location)

    def dump_config(self) -> None:
        """Deferred to :meth:`train`: the dumped ``<config>.py`` in the
        work folder is the training run's; evaluating a checkpoint there
        (``tools/test.py``, whose default work dir is the training folder)
        must not replace it (the config is at the top of its log)."""

    def train(self):
        """:meth:`Runner.train` (the config dumped first, see
        :meth:`dump_config`), then a warning if any step was skipped for a
        non-finite loss (``model.nonfinite_loss='skip'``)."""
        Runner.dump_config(self)
        model = super().train()
        guard = getattr(self._unwrapped_model(), 'nonfinite_guard', None)
        if guard is not None and guard.skips:
            self.logger.warning(
                f'{guard.skips} training step(s) were skipped because the '
                "loss was NaN/Inf (model.nonfinite_loss='skip'); the "
                'weights did not learn from them: check the loss curve and '
                'consider a lower learning rate or gradient clipping')
        return model

    def load_or_resume(self) -> None:
        """Resume this folder's last run from its newest complete checkpoint
        (auto resume, :func:`find_resumable_checkpoint`), else as MMEngine
        does; then record the run (:data:`RUN_FILE`): a resumed run keeps
        its id, a fresh one gets a new id and says so when the folder holds
        another run's checkpoints."""
        if self._has_loaded:
            return None
        resumed = None
        if self._resume and self._load_from is None:
            self._remove_stale_tmp()
            resumed = find_resumable_checkpoint(self.work_dir, self.logger)
            if resumed is None:
                self.logger.warning(f'nothing to resume in {self.work_dir}; '
                                    'starting from scratch')
            else:
                self.logger.info(f'Auto resumed from {resumed}.')
                self.resume(resumed)
                self._has_loaded = True
        else:
            super().load_or_resume()
            if self._resume and self._load_from is not None:
                resumed = self._load_from
        self.run_id = (checkpoint_run_id(resumed) if resumed else None) \
            or new_run_id()
        from mmengine.runner import BaseLoop
        if isinstance(self._train_loop, BaseLoop):  # not for an evaluation
            self._write_run_record(resumed)
        return None

    @master_only
    def _write_run_record(self, resumed: Optional[str]) -> None:
        import datetime
        import json
        record = dict(run_id=self.run_id, resumed_from=resumed,
                      log_dir=osp.basename(self.log_dir),
                      started=datetime.datetime.now().isoformat(
                          timespec='seconds'))
        path = osp.join(self.work_dir, RUN_FILE)
        with open(path + TMP_SUFFIX, 'w') as f:
            json.dump(record, f)
        os.replace(path + TMP_SUFFIX, path)

    @master_only
    def _remove_stale_tmp(self) -> None:
        for path in glob.glob(osp.join(self.work_dir, '*' + TMP_SUFFIX)):
            self.logger.warning(
                f'removing {path}: an unfinished checkpoint from a process '
                'that was killed while saving')
            os.remove(path)
