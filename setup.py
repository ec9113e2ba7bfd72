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


#: mmcv flavours, chosen by the user as an extra (as mmpretrain does): pip
#: cannot see the target environment from its isolated build, so a choice
#: made here put mmcv-lite beside an existing full mmcv. ``pip install
#: sumix_ext[lite]`` (pure Python: mmpretrain's classifiers never import
#: ``mmcv.ops``) or ``[mmcv]`` for a full build; an environment that already
#: has either needs no extra. Importing sumix_ext without any mmcv is one
#: error line naming these extras.
MMCV_EXTRAS = {
    'lite': ['mmcv-lite>=2.0.0,<2.3.0'],
    'mmcv': ['mmcv>=2.0.0,<2.3.0'],
}
#: optional methods: PuzzleMix's graph cut (``BatchPuzzleMix`` says so in
#: one line when it is missing; nothing else needs it)
METHOD_EXTRAS = {
    'puzzlemix': ['gco-wrapper>=3.0.8'],
}


# Ranges, so that installing us into an existing OpenMMLab environment
# keeps its torch and mmcv (no mmcv flavour here: MMCV_EXTRAS); the exact
# pins of `make` are in
# requirements.txt (+ requirements-lock.txt for the rest of the tree).
INSTALL_REQUIRES = [
    'torch>=2.1',
    'torchvision>=0.16',
    'numpy>=1.23,<2.4',
    'mmengine>=0.10.3,<1.0.0',
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
    extras_require=dict(MMCV_EXTRAS, **METHOD_EXTRAS,
                        tests=read_requirements('requirements-test.txt')),
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
