"""torchrun for ``tools/dist_train.sh`` / ``tools/dist_test.sh``, ending a
launch whose rank died with one ``error:`` line.

``python -m torch.distributed.run`` reports a failed rank with its
``ChildFailedError`` traceback (about 40 lines) and no ``error:`` line, on
top of the failed rank's own message. This runs the same launcher
(``torch.distributed.run.parse_args`` + ``run``: every torchrun flag works)
and turns that failure into one last line naming the first rank that
failed, how it ended and the fix; exit status 1.

Example:
    python -m sumix_ext.commands.dist_run --nproc_per_node=2 \\
        tools/train.py CONFIG --launcher pytorch
"""
import os
import sys
from typing import Optional, Sequence


def failure_line(exc) -> str:
    """The ``error:`` line for a torchrun ``ChildFailedError``.

    Args:
        exc (ChildFailedError): What ``torch.distributed.run.run`` raised.

    Returns:
        str: One line naming the rank, its pid and how it ended, and the fix.
    """
    rank, failure = exc.get_first_failure()
    others = len(exc.failures) - 1
    if failure.exitcode < 0:
        how = f'was killed by {failure.signal_name()}'
        fix = ('a SIGKILL nobody sent by hand is usually the out-of-memory '
               'killer (check `dmesg`; lower the batch size or '
               'num_workers)' if failure.signal_name() == 'SIGKILL' else
               'check what sent the signal')
    else:
        how = f'exited with status {failure.exitcode}'
        fix = 'its own error: line above says why'
    stopped = (f'; the other {others} failed rank(s) stopped after it'
               if others else '; the other ranks were stopped')
    return (f'error: rank {rank} (local rank {failure.local_rank}, pid '
            f'{failure.pid}) {how}{stopped}; {fix}; the complete checkpoints '
            'in the work dir are kept: rerun the same command with --resume '
            'to continue')


def main(argv: Optional[Sequence[str]] = None) -> None:
    from torch.distributed.elastic.multiprocessing.errors import \
        ChildFailedError
    from torch.distributed.run import parse_args, run
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        run(args)
    except ChildFailedError as exc:
        if os.environ.get('SUMIX_DEBUG', '0') not in ('', '0'):
            raise
        sys.stdout.flush()
        print(failure_line(exc), file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print('error: interrupted (Ctrl-C); every rank was stopped; the '
              'complete checkpoints in the work dir are kept: rerun with '
              '--resume to continue', file=sys.stderr)
        sys.exit(130)


if __name__ == '__main__':
    main()
