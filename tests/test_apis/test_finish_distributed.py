"""How a distributed rank ends (``sumix_ext.apis.runner``): barrier +
destroy, then ``os._exit`` with children stopped and output flushed.

The end-to-end check is the 2-process DDP test
(``tests/test_reliability/test_distributed.py``), whose torchrun job must
exit 0; these tests pin the pieces in one short subprocess each."""
import subprocess
import sys
import textwrap

from tests.conftest import REPO

EXIT_CHILD = textwrap.dedent('''
    import multiprocessing, os, sys, time
    from sumix_ext.apis.runner import exit_distributed_rank

    def sleeper():
        time.sleep(60)

    if __name__ == '__main__':
        child = multiprocessing.Process(target=sleeper)
        child.start()
        print('child', child.pid)
        sys.stdout.write('unflushed tail')  # no newline, still buffered
        exit_distributed_rank(3)
''')

SINGLE_PROCESS = textwrap.dedent('''
    from sumix_ext.apis import close_distributed, finish_distributed
    assert close_distributed() is False  # no process group: nothing to do
    finish_distributed()                 # returns, no exit
    print('still here')
''')


def _alive(pid: int) -> bool:
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().split()[2] != 'Z'
    except FileNotFoundError:
        return False


def test_exit_stops_children_flushes_and_keeps_the_code(tmp_path):
    script = tmp_path / 'exit_child.py'
    script.write_text(EXIT_CHILD)
    proc = subprocess.run([sys.executable, str(script)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stdout.endswith('unflushed tail')
    pid = int(proc.stdout.split()[1])
    assert not _alive(pid), 'the child process outlived its parent'


def test_without_a_process_group_nothing_happens():
    proc = subprocess.run([sys.executable, '-c', SINGLE_PROCESS], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'still here' in proc.stdout
