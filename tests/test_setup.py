"""setup.py: ranges (not the exact pins of requirements.txt), a full mmcv
the user has is kept, Python >= 3.10, direct imports declared."""
import importlib.metadata as md
import json
import subprocess
import sys
import zipfile
import runpy

import pytest
import setuptools

from tests.conftest import REPO


def _setup_kwargs(monkeypatch) -> dict:
    seen = {}
    monkeypatch.setattr(setuptools, 'setup', lambda **kw: seen.update(kw))
    monkeypatch.chdir(REPO)
    runpy.run_path('setup.py', run_name='__main__')
    return seen


def test_install_requires_are_ranges_and_never_an_mmcv_flavour(monkeypatch):
    """Installing sumix_ext never installs an mmcv flavour: the user picks
    one as an extra (the build does not look at the environment)."""
    kw = _setup_kwargs(monkeypatch)
    reqs = kw['install_requires']
    assert not [r for r in reqs if '==' in r]  # no exact pins
    names = {r.split('>')[0].split('<')[0].split('=')[0] for r in reqs}
    assert {'torch', 'mmengine', 'mmpretrain', 'opencv-python', 'Pillow',
            'matplotlib'} <= names
    assert not {'mmcv', 'mmcv-lite'} & names
    extras = kw['extras_require']
    assert extras['lite'] == ['mmcv-lite>=2.0.0,<2.3.0']
    assert extras['mmcv'] == ['mmcv>=2.0.0,<2.3.0']
    assert kw['python_requires'] == '>=3.10'
    assert kw['url'] and kw['classifiers']


def test_lock_file_pins_what_requirements_pin():
    lock = dict(line.split('==') for line in open(f'{REPO}/requirements-lock'
                                                 '.txt').read().splitlines()
                if '==' in line and not line.startswith('#'))
    for line in open(f'{REPO}/requirements.txt'):
        if '==' in line and not line.startswith('#'):
            name, ver = line.strip().split('==')
            assert lock[name] == ver, name


def test_built_metadata_requires_no_mmcv_without_an_extra(tmp_path):
    """The metadata setup.py writes (egg_info, whatever this venv holds):
    mmcv / mmcv-lite only behind the extras."""
    import subprocess
    import sys
    subprocess.run([sys.executable, 'setup.py', '-q', 'egg_info',
                    '--egg-base', str(tmp_path)], cwd=REPO, check=True,
                   capture_output=True)
    (info, ) = tmp_path.glob('*.egg-info')
    requires = (info / 'requires.txt').read_text().split('\n\n')
    plain = requires[0].splitlines()
    assert not [r for r in plain if r.startswith('mmcv')]
    sections = {b.splitlines()[0]: b.splitlines()[1:] for b in requires[1:]
                if b.strip()}
    assert sections['[lite]'] == ['mmcv-lite<2.3.0,>=2.0.0']
    assert sections['[mmcv]'] == ['mmcv<2.3.0,>=2.0.0']


def test_import_without_any_mmcv_is_one_line(tmp_path):
    """A stand-in environment where `mmcv` cannot be imported."""
    import subprocess
    import sys
    blocker = tmp_path / 'mmcv'
    blocker.mkdir()
    (blocker / '__init__.py').write_text(
        "raise ModuleNotFoundError(\"No module named 'mmcv'\", name='mmcv')")
    proc = subprocess.run([sys.executable, '-c', 'import sumix_ext'],
                          cwd=REPO, capture_output=True, text=True,
                          env={'PYTHONPATH': f'{tmp_path}:{REPO}',
                               'PATH': '/usr/bin:/bin'})
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert 'sumix_ext needs mmcv 2.x' in last and "sumix_ext[lite]" in last


def _build_wheel(out) -> str:
    import os.path as osp
    import shutil
    had_build = osp.exists(osp.join(REPO, 'build'))
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                    '--no-build-isolation', '-q', '-w', str(out), REPO],
                   check=True, capture_output=True, text=True)
    if not had_build:  # setuptools' scratch folder in the source tree
        shutil.rmtree(osp.join(REPO, 'build'), ignore_errors=True)
    (wheel, ) = out.glob('sumix_ext-*.whl')
    return str(wheel)


def _fake_dist(site, name: str, version: str) -> None:
    info = site / f'{name.replace("-", "_")}-{version}.dist-info'
    info.mkdir(parents=True)
    (info / 'METADATA').write_text(
        f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n')
    (info / 'INSTALLER').write_text('pip\n')
    (info / 'RECORD').write_text('')


def test_wheel_into_an_environment_with_full_mmcv_keeps_it(tmp_path,
                                                          monkeypatch):
    """The built wheel, installed (pip's resolver, dry run) into a fresh
    environment that holds a stand-in full ``mmcv`` and every other
    requirement: pip installs sumix_ext alone, no mmcv-lite beside mmcv."""
    wheel = _build_wheel(tmp_path / 'dist')
    with zipfile.ZipFile(wheel) as z:
        meta = z.read(next(n for n in z.namelist()
                           if n.endswith('.dist-info/METADATA'))).decode()
    requires = [line.split(': ', 1)[1] for line in meta.splitlines()
                if line.startswith('Requires-Dist: ')]
    assert not [r for r in requires if r.startswith('mmcv')
                and 'extra ==' not in r], requires
    assert any(r.startswith('mmcv-lite') and 'extra == "lite"' in r
               for r in requires), requires

    env = tmp_path / 'env'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(env)],
                   check=True)
    (site, ) = env.glob('lib/python*/site-packages')
    _fake_dist(site, 'mmcv', '2.1.0')  # the user's full build
    for req in _setup_kwargs(monkeypatch)['install_requires']:
        name = req.split('>')[0].split('<')[0].split('=')[0]
        _fake_dist(site, name, md.version(name))
    report = tmp_path / 'report.json'
    subprocess.run([sys.executable, '-m', 'pip', '--python',
                    str(env / 'bin' / 'python'), 'install', '--dry-run',
                    '--no-index', '--report', str(report), '-q', wheel],
                   check=True, capture_output=True, text=True)
    installs = [item['metadata']['name'] for item in
                json.loads(report.read_text())['install']]
    assert installs == ['sumix_ext'] or installs == ['sumix-ext'], installs
