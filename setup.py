from setuptools import find_packages, setup


def read_version():
    scope = {}
    with open('sumix_ext/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


def read_requirements(path='requirements.txt'):
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


setup(
    name='sumix_ext',
    version=read_version(),
    description='SUMix (ECCV 2024) and a mixup library on mmpretrain',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['sumix_ext', 'sumix_ext.*']),
    python_requires='>=3.9',
    install_requires=read_requirements(),
    extras_require={'tests': read_requirements('requirements-test.txt')},
    license='Apache-2.0',
)
