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
def test_install_requires_are_ranges_and_keep_full_mmcv(monkeypatch, full):
    kw = _setup_kwargs(monkeypatch, full)
    reqs = kw['install_requires']
    assert not [r for r in reqs if '==' in r]  # no exact pins
    names = {r.split('>')[0].split('<')[0].split('=')[0] for r in reqs}
    assert {'torch', 'mmengine', 'mmpretrain', 'opencv-python', 'Pillow',
            'matplotlib'} <= names
    assert ('mmcv' in names) is full and ('mmcv-lite' in names) is not full
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
