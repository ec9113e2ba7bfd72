"""MMEngine ``Runner`` with crash-safe checkpoints and auto-resume."""
import glob
import os
import os.path as osp
import re
from typing import Optional

import torch
from mmengine.dist import master_only
from mmengine.fileio import LocalBackend, get_file_backend
from mmengine.registry import RUNNERS
from mmengine.runner import Runner

from ..preflight import empty_dataset, fewer_than_one_batch
from ..checkpoint_match import CheckpointMismatchError, check_checkpoint_fits

TMP_SUFFIX = '.tmp'
#: first bytes of torch's legacy (non-zip) checkpoint format: the pickled
#: magic number 0x1950a86a20f9469cfc6c (protocol 2)
LEGACY_MAGIC = b'\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19'
_CKPT_RE = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be a complete checkpoint, or ``None`` if it looks
    whole (a cheap check: exists, non-empty, valid zip with intact CRCs).

    Args:
        path (str): Checkpoint file.

    Returns:
        str | None: The problem, or ``None``.
    """
    import zipfile
    if not osp.isfile(path):
        return 'missing'
    if osp.getsize(path) == 0:
        return 'empty'
    if not zipfile.is_zipfile(path):
        with open(path, 'rb') as f:
            head = f.read(len(LEGACY_MAGIC))
        if head.startswith(b'PK\x03\x04'):  # a zip cut short
            return 'corrupt or truncated (no zip central directory)'
        # torch's legacy (pre-1.6, non-zip) format: judged when loaded
        return None if head == LEGACY_MAGIC else 'not a checkpoint file'
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return f'corrupt or truncated ({exc})'
    return None if bad is None else f'corrupt member {bad}'


#: file in the work folder naming the run that last started there
RUN_FILE = 'last_run.json'


def new_run_id() -> str:
    """A fresh run id (made at a run's first start, kept across resumes)."""
    import uuid
    return uuid.uuid4().hex[:12]


def checkpoint_run_id(path: str) -> Optional[str]:
    """The run id a checkpoint records (``meta['run_id']``), None for
    checkpoints of older versions or unreadable files."""
    from mmengine.runner.checkpoint import _load_checkpoint
    try:
        ckpt = _load_checkpoint(path, map_location='cpu')
    except Exception:  # noqa: BLE001 - unreadable: no identity
        return None
    meta = ckpt.get('meta') if isinstance(ckpt, dict) else None
    return meta.get('run_id') if isinstance(meta, dict) else None


def read_last_run(work_dir: str) -> Optional[dict]:
    """The :data:`RUN_FILE` record of ``work_dir`` (None if absent)."""
    import json
    try:
        with open(osp.join(work_dir, RUN_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _step_of(path: str) -> int:
    match = _CKPT_RE.match(osp.basename(path))
    return int(match.group(2)) if match else -1


def numbered_checkpoints(work_dir: str) -> list:
    """``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir``, newest first."""
    found = [(_step_of(p), osp.getmtime(p), p)
             for p in glob.glob(osp.join(work_dir, '*.pth'))
             if _step_of(p) >= 0]
    return [p for _, _, p in sorted(found, reverse=True)]


def find_resumable_checkpoint(work_dir: str, logger=None,
                              run_id: Optional[str] = None
                              ) -> Optional[str]:
    """The checkpoint ``--resume`` (auto) continues from.

    The run to resume is ``run_id`` (default: the run that last started in
    ``work_dir``, from :data:`RUN_FILE`, else the run of the checkpoint
    ``last_checkpoint`` names). Only complete checkpoints of that run are
    candidates; the newest of them wins. So ``last_checkpoint`` is followed
    when it names a complete checkpoint of the run; a newer complete one of
    the same run (a kill between writing a checkpoint and updating
    ``last_checkpoint``) or, when ``last_checkpoint`` is missing or
    incomplete, the newest complete one of the run is taken, and a warning
    says which and why. Checkpoints of other runs are never picked.
    Folders of older versions (checkpoints without a run id, no
    :data:`RUN_FILE`) fall back to the newest complete checkpoint.

    Args:
        work_dir (str): The run's work directory.
        logger: Logger for the warnings (optional).
        run_id (str, optional): The run to resume.

    Returns:
        str | None: Path of the checkpoint, or ``None`` if there is none.
    """
    warn = logger.warning if logger is not None else (lambda msg: None)
    last_file = osp.join(work_dir, 'last_checkpoint')
    named = None
    if osp.isfile(last_file):
        with open(last_file) as f:
            named = f.read().strip() or None
    named_problem = checkpoint_problem(named) if named else None
    if run_id is None:
        record = read_last_run(work_dir)
        run_id = (record or {}).get('run_id')
    if run_id is None and named is not None and named_problem is None:
        run_id = checkpoint_run_id(named)
    candidates = numbered_checkpoints(work_dir)
    if named is not None and named_problem is None and osp.abspath(
            named) not in map(osp.abspath, candidates):
        candidates.insert(0, named)  # a custom file name
    others = []
    for path in candidates:
        problem = checkpoint_problem(path)
        if problem is not None:
            warn(f'skipping checkpoint {path}: {problem}')
            continue
        if run_id is not None and checkpoint_run_id(path) != run_id:
            others.append(osp.basename(path))
            continue
        if named is not None and osp.abspath(named) != osp.abspath(path):
            why = (named_problem if named_problem is not None else
                   f'older than {osp.basename(path)} of the same run')
            warn(f'last_checkpoint names {named} ({why}); resuming from '
                 f'{path}, the newest complete checkpoint of this run')
        if others:
            warn(f'left alone: {", ".join(others)} (another run)')
        return path
    if named is not None and named_problem is not None:
        warn(f'last_checkpoint names {named}, which is {named_problem}')
    if others:
        warn(f'not resuming {", ".join(others)}: checkpoints of another '
             f'run than the last one started in {work_dir}')
    return None


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
    * An empty dataset is reported by name (MMEngine fails inside numpy
      with "need at least one array to concatenate").
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
        super().save_checkpoint(
            out_dir, tmp_name, file_client_args=file_client_args,
            save_optimizer=save_optimizer,
            save_param_scheduler=save_param_scheduler, meta=meta,
            by_epoch=by_epoch, backend_args=backend_args)
        if local:
            tmp_path = osp.join(out_dir, tmp_name)
            _fsync(tmp_path)
            os.replace(tmp_path, osp.join(out_dir, filename))
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

    def train(self):
        """:meth:`Runner.train`, then a warning if any step was skipped for
        a non-finite loss (``model.nonfinite_loss='skip'``)."""
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
        if resumed is None:
            self._note_other_runs()
        self._write_run_record(resumed)
        return None

    @master_only
    def _note_other_runs(self) -> None:
        """One line when a fresh run starts in a folder holding another
        run's checkpoints."""
        found = numbered_checkpoints(self.work_dir)
        if found:
            names = ', '.join(osp.basename(p) for p in found[:4]) + (
                ', ...' if len(found) > 4 else '')
            self.logger.warning(
                f'{self.work_dir} holds {len(found)} checkpoint(s) of '
                f'another run ({names}); this fresh run (id {self.run_id}) '
                'overwrites files of the same name: use another --work-dir '
                'to keep them, or --resume to continue that run')

    @master_only
    def _write_run_record(self, resumed: Optional[str]) -> None:
        import datetime
        import json
        record = dict(run_id=self.run_id, resumed_from=resumed,
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
