"""setup.py: ranges (not the exact pins of requirements.txt), a full mmcv
the user has is kept, Python >= 3.10, direct imports declared."""
import importlib.metadata as md
import runpy

import pytest
import setuptools

from tests.conftest import REPO


def _setup_kwargs(monkeypatch, have_full_mmcv: bool) -> dict:
    seen = {}
    monkeypatch.setattr(setuptools, 'setup', lambda **kw: seen.update(kw))
    real = md.version

    def version(name):
        if name == 'mmcv':
            if have_full_mmcv:
                return '2.1.0'
            raise md.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(md, 'version', version)
    monkeypatch.chdir(REPO)
    runpy.run_path('setup.py', run_name='__main__')
    return seen


@pytest.mark.parametrize('full', [False, True])
def test_install_requires_are_ranges_and_never_an_mmcv_flavour(monkeypatch,
                                                               full):
    """Whatever the build environment holds, installing sumix_ext never
    installs an mmcv flavour: the user picks one as an extra."""
    kw = _setup_kwargs(monkeypatch, full)
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
    """The wheel's metadata as pip builds it (isolated from this venv):
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
