"""Which checkpoint a run resumes: complete files only, of the same run.

Crash-safe files (``checkpoint_problem``), the run's identity (an id made at
its first start, kept across resumes, recorded in every checkpoint's
``meta['run_id']`` and in ``last_run.json``) and the choice of the
checkpoint auto ``--resume`` continues from (:func:`find_resumable_checkpoint`).
:class:`~sumix_ext.engine.runner.SUMixRunner` uses them.
"""
import glob
import os
import os.path as osp
import re
from typing import Optional

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


def _in_this_folder(named: Optional[str], work_dir: str,
                    warn) -> Optional[str]:
    """``last_checkpoint``'s file, resolved inside ``work_dir``.

    MMEngine records an absolute path. In a copied (or moved) work folder
    that path names the *original* folder's file; this folder's own file of
    the same name is the one to continue from (a copy must never write into
    or read from the folder it was copied from). A name with no such file
    here is kept as written (a custom checkpoint location).
    """
    if named is None:
        return None
    here = osp.join(work_dir, osp.basename(named))
    if osp.abspath(osp.dirname(osp.abspath(named))) == osp.abspath(
            work_dir) or not osp.isfile(here):
        return named
    warn(f'last_checkpoint names {named}, in another folder (a copied or '
         f'moved work folder); continuing from this folder\'s own {here}')
    return here


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
    named = _in_this_folder(named, work_dir, warn)
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
