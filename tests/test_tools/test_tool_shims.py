"""``tools/**/*.py`` only wire: each is a short script that calls the
``main`` of its command module in :mod:`sumix_ext.commands`, and every one
of them starts from the command line (``--help``, one subprocess for all)."""
import glob
import importlib
import os.path as osp
import subprocess
import sys

from tests.conftest import REPO

SHIMS = sorted(
    osp.relpath(p, REPO)
    for p in glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True))
MAX_SHIM_LINES = 20


def test_every_tool_has_a_command_module():
    assert len(SHIMS) >= 16
    names = [osp.splitext(osp.basename(p))[0] for p in SHIMS]
    assert len(set(names)) == len(names), 'tool names must be unique'
    for path, name in zip(SHIMS, names):
        with open(osp.join(REPO, path)) as f:
            text = f.read()
        assert len(text.splitlines()) <= MAX_SHIM_LINES, path
        assert f'from sumix_ext.commands.{name} import main' in text, path
        # the sys.path line climbs from the script to the repository root
        assert text.count('osp.dirname(') == path.count('/') + 1, path
        module = importlib.import_module(f'sumix_ext.commands.{name}')
        assert callable(module.main), name


def test_every_tool_starts_from_the_command_line():
    """Run each script as ``python tools/... --help`` does (``runpy``,
    from another folder)."""
    code = (
        'import runpy, sys\n'
        'bad = []\n'
        'for path in sys.argv[1:]:\n'
        '    sys.argv = [path, "--help"]\n'
        '    try:\n'
        '        runpy.run_path(path, run_name="__main__")\n'
        '        bad.append((path, "no exit"))\n'
        '    except SystemExit as e:\n'
        '        if e.code not in (0, None):\n'
        '            bad.append((path, e.code))\n'
        'print("BAD", bad)\n')
    paths = [osp.join(REPO, p) for p in SHIMS]
    proc = subprocess.run([sys.executable, '-c', code] + paths, cwd='/',
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'BAD []' in proc.stdout, proc.stdout[-3000:]
    assert proc.stdout.count('usage:') == len(SHIMS)


def test_config_paths_named_in_commands_and_docs_exist():
    """Usage examples name configs that exist (README's own-config example
    ``my_*.py`` aside)."""
    import re
    files = glob.glob(osp.join(REPO, 'sumix_ext', 'commands', '*.py')) + \
        glob.glob(osp.join(REPO, 'docs', '*.md')) + [
            osp.join(REPO, 'README.md')]
    missing = set()
    for path in files:
        with open(path) as f:
            for name in re.findall(r'configs/[\w/.-]+?\.py', f.read()):
                if not osp.basename(name).startswith('my_') and \
                        not osp.isfile(osp.join(REPO, name)):
                    missing.add((osp.relpath(path, REPO), name))
    assert not missing, sorted(missing)
