from setuptools import find_packages, setup


def read_version():
    scope = {}
    with open('sumix_ext/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


def read_requirements(path):
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def mmcv_requirement() -> str:
    """Keep a full ``mmcv`` 2.x the user already has; else ``mmcv-lite``
    (pure Python: mmpretrain's classifiers never import ``mmcv.ops``).
    Never both: they install the same ``mmcv`` package."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        version('mmcv')
        return 'mmcv>=2.0.0,<2.3.0'
    except PackageNotFoundError:
        return 'mmcv-lite>=2.0.0,<2.3.0'


# Ranges, so that installing us into an existing OpenMMLab environment
# keeps its torch and mmcv; the exact pins of `make` are in
# requirements.txt (+ requirements-lock.txt for the rest of the tree).
INSTALL_REQUIRES = [
    'torch>=2.1',
    'torchvision>=0.16',
    'numpy>=1.23,<2.4',
    'mmengine>=0.10.3,<1.0.0',
    mmcv_requirement(),
    'mmpretrain>=1.2.0,<2.0.0',
    # imported by sumix_ext or tools directly
    'opencv-python>=4.5',
    'Pillow>=9.0',
    'matplotlib>=3.5',
    'scikit-image>=0.19',  # photographs of the cluttered-scene regime
    # mmpretrain 1.2.0 needs these at run time without listing them
    'einops',
    'mat4py',
    'modelindex',
    'rich',
]

setup(
    name='sumix_ext',
    version=read_version(),
    description='SUMix (ECCV 2024) and a mixup library on mmpretrain',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    url='https://github.com/sumix-dev/sumix',
    packages=find_packages(include=['sumix_ext', 'sumix_ext.*']),
    python_requires='>=3.10',
    install_requires=INSTALL_REQUIRES,
    extras_require={'tests': read_requirements('requirements-test.txt')},
    license='Apache-2.0',
    classifiers=[
        'Development Status :: 4 - Beta',
        'Intended Audience :: Science/Research',
        'License :: OSI Approved :: Apache Software License',
        'Operating System :: POSIX :: Linux',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.10',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
)
