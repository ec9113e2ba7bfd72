"""A fresh run never overwrites another run's files: the earlier run's
checkpoints and config move into its own timestamped folder first.

MMEngine writes a run's checkpoints (``epoch_N.pth``, ``iter_N.pth``,
``best_*.pth``), ``last_checkpoint`` and the dumped config (``<config>.py``)
into the top of the work folder, and its log into a timestamped sub-folder
(``<work_dir>/YYYYmmdd_HHMMSS/``) made at each start. Rerunning the same
command into ``work_dirs/<config>`` (an mmpretrain habit) therefore replaced
every file of the earlier run of the same name. Before a fresh run (not a
resume) writes anything, :func:`archive_previous_run` moves those files into
the timestamped folder of the earlier run's last start, beside its log, so
``W/20261206_031500/epoch_3.pth`` sits next to
``W/20261206_031500/20261206_031500.log``. Nothing is deleted; the earlier
run can be continued with ``--resume W/20261206_031500/epoch_3.pth``.
"""
import datetime
import glob
import os
import os.path as osp
import re
from typing import List, NamedTuple, Optional

from .resume import RUN_FILE, TMP_SUFFIX, numbered_checkpoints, read_last_run

#: MMEngine's log folder names (``Runner.timestamp``)
_STAMP_RE = re.compile(r'^\d{8}_\d{6}$')
#: what a run writes at the top of its work folder
_RUN_FILES = ('*.pth', 'last_checkpoint', RUN_FILE, '*.py')


class ArchivedRun(NamedTuple):
    """Where :func:`archive_previous_run` moved an earlier run's files.

    Attributes:
        folder (str): The timestamped folder they moved into.
        files (list[str]): Their base names.
        run_id (str | None): The earlier run's id (``last_run.json``).
        newest (str | None): Its newest numbered checkpoint, moved (the file
            ``--resume`` would continue that run from).
    """
    folder: str
    files: List[str]
    run_id: Optional[str]
    newest: Optional[str]

    def message(self, work_dir: str) -> str:
        """The start-up line saying where the files went."""
        names = ', '.join(self.files[:4]) + (
            ', ...' if len(self.files) > 4 else '')
        run = f' (run {self.run_id})' if self.run_id else ''
        tail = (f'; continue that run with --resume {self.newest}'
                if self.newest else '')
        return (f'{work_dir} held another run{run}: moved its '
                f'{len(self.files)} file(s) ({names}) to {self.folder} '
                f'before this fresh run writes{tail}')


def _earlier_log_folder(work_dir: str, record: dict) -> str:
    """The timestamped log folder of the earlier run's last start: the
    one ``last_run.json`` names, else the newest one, else a new one named
    after its newest file's time."""
    named = record.get('log_dir')
    if isinstance(named, str) and _STAMP_RE.match(named) and osp.isdir(
            osp.join(work_dir, named)):
        return osp.join(work_dir, named)
    stamps = sorted(d for d in os.listdir(work_dir)
                    if _STAMP_RE.match(d) and osp.isdir(osp.join(work_dir,
                                                                 d)))
    if stamps:
        return osp.join(work_dir, stamps[-1])
    files = [p for pattern in _RUN_FILES
             for p in glob.glob(osp.join(work_dir, pattern))]
    newest = max(osp.getmtime(p) for p in files)
    stamp = datetime.datetime.fromtimestamp(newest).strftime('%Y%m%d_%H%M%S')
    return osp.join(work_dir, stamp)


def archive_previous_run(work_dir: str) -> Optional[ArchivedRun]:
    """Move the earlier run's top-level files out of ``work_dir``.

    Moved: ``*.pth`` checkpoints, ``last_checkpoint``, ``last_run.json``
    and the dumped config(s) ``*.py``; into the timestamped log folder of
    the earlier run's last start (``log_dir`` in ``last_run.json``; else the
    newest such folder), else a folder named after the newest of those
    files' modification time. A file of the same
    name already there is never replaced (the moved one gets a ``.1``,
    ``.2`` ... suffix before its extension). Leftover ``*.tmp`` files of a
    killed save are not a run's work and are left to the runner.

    Call it before the new run creates its own log folder (that is, before
    ``Runner.__init__``), on the process that writes the folder (rank 0).

    Args:
        work_dir (str): The work folder a fresh run is about to use.

    Returns:
        ArchivedRun | None: What moved where; None when the folder holds no
        checkpoint (a config or record alone is left in place and simply
        replaced, as it describes no saved weights).
    """
    if not osp.isdir(work_dir):
        return None
    checkpoints = [p for p in glob.glob(osp.join(work_dir, '*.pth'))
                   if not p.endswith(TMP_SUFFIX)]
    if not checkpoints:
        return None
    record = read_last_run(work_dir) or {}
    newest = (numbered_checkpoints(work_dir) or [None])[0]
    folder = _earlier_log_folder(work_dir, record)
    os.makedirs(folder, exist_ok=True)
    moved = []
    for pattern in _RUN_FILES:
        for path in sorted(glob.glob(osp.join(work_dir, pattern))):
            if not osp.isfile(path):
                continue
            name = osp.basename(path)
            target = osp.join(folder, name)
            stem, ext = osp.splitext(name)
            k = 0
            while osp.exists(target):
                k += 1
                target = osp.join(folder, f'{stem}.{k}{ext}')
            os.replace(path, target)
            moved.append(osp.basename(target))
    _repoint_last_checkpoint(folder)
    return ArchivedRun(folder, moved, record.get('run_id'),
                       osp.join(folder, osp.basename(newest))
                       if newest else None)


def _repoint_last_checkpoint(folder: str) -> None:
    """``last_checkpoint`` moved with the files: make it name the moved
    checkpoint, so ``--resume`` inside that folder finds it."""
    path = osp.join(folder, 'last_checkpoint')
    if not osp.isfile(path):
        return
    with open(path) as f:
        named = f.read().strip()
    if named:
        with open(path, 'w') as f:
            f.write(osp.join(folder, osp.basename(named)))


def archive_before_training(work_dir: str, resume: bool = False,
                            load_from: Optional[str] = None
                            ) -> Optional[ArchivedRun]:
    """What ``tools/train.py`` does before it builds the runner: for a fresh
    run (no ``--resume``, or an auto ``--resume`` that finds nothing of the
    last run) :func:`archive_previous_run`, and the line saying where the
    files went on stderr (the first line a user sees). Rank 0 only (the
    rank that writes); evaluation (``tools/test.py``) never calls it, so a
    checkpoint under test stays where it is.

    Args:
        work_dir (str): The run's work folder.
        resume (bool): ``cfg.resume``.
        load_from (str, optional): ``cfg.load_from`` (with ``resume``: the
            checkpoint to continue).

    Returns:
        ArchivedRun | None: See :func:`archive_previous_run`.
    """
    import sys

    from ..work_dir_lock import _global_rank
    from .resume import find_resumable_checkpoint
    if _global_rank() != 0:
        return None
    if resume and (load_from is not None
                   or find_resumable_checkpoint(work_dir) is not None):
        return None  # continues a run
    archived = archive_previous_run(work_dir)
    if archived is not None:
        print(archived.message(osp.abspath(work_dir)), file=sys.stderr,
              flush=True)
    return archived
