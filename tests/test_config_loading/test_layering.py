"""Loading a config has one home below ``apis`` and ``evaluation``
(issue #38): ``apis/inference`` -> ``evaluation/inference`` ->
``apis.load_config`` was a cycle; now both import
``sumix_ext.config_loading``, which imports neither."""
import ast
import glob
import os.path as osp
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PKG = osp.join(REPO, 'sumix_ext')


def _imported_modules(path: str) -> set:
    """Every module an ``import`` anywhere in ``path`` names (module level
    and inside functions), relative imports resolved against its package."""
    rel = osp.relpath(path, REPO)[:-3].replace(osp.sep, '.')
    package = rel.rsplit('.', 1)[0] if not rel.endswith('__init__') else \
        rel[:-len('.__init__')]
    out = set()
    for node in ast.walk(ast.parse(open(path).read(), filename=path)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - node.level + 1]
                mod = '.'.join(base + ([node.module] if node.module else []))
            else:
                mod = node.module
            out.add(mod)
            out.update(f'{mod}.{a.name}' for a in node.names)
    return out


def _names(modules: set, package: str) -> set:
    return {m for m in modules if m == package or m.startswith(package + '.')}


def test_config_loading_imports_neither_apis_nor_evaluation():
    files = glob.glob(osp.join(PKG, 'config_loading', '*.py'))
    assert len(files) >= 4, files
    for path in files:
        mods = _imported_modules(path)
        assert not _names(mods, 'sumix_ext.apis'), (path, mods)
        assert not _names(mods, 'sumix_ext.evaluation'), (path, mods)


def test_evaluation_inference_does_not_import_apis():
    """The cycle's back edge is gone, at module level and in functions."""
    mods = _imported_modules(osp.join(PKG, 'evaluation', 'inference.py'))
    assert not _names(mods, 'sumix_ext.apis'), mods
    assert 'sumix_ext.config_loading.load_config' in mods


def test_modules_import_alone_without_the_other_package():
    """At run time, with ``sumix_ext/__init__`` (which imports every
    subpackage) stubbed out: importing ``config_loading`` pulls in neither
    ``apis`` nor ``evaluation``, and ``evaluation.inference`` not ``apis``."""
    code = (
        'import sys, types\n'
        f'pkg = types.ModuleType("sumix_ext"); pkg.__path__ = [{PKG!r}]\n'
        'sys.modules["sumix_ext"] = pkg\n'
        'import sumix_ext.config_loading as c\n'
        'assert callable(c.load_config)\n'
        'bad = [m for m in sys.modules if m.startswith(("sumix_ext.apis", '
        '"sumix_ext.evaluation"))]\n'
        'assert not bad, bad\n'
        'import sumix_ext.evaluation.inference\n'
        'bad = [m for m in sys.modules if m.startswith("sumix_ext.apis")]\n'
        'assert not bad, bad\n'
        'print("OK")\n')
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and 'OK' in proc.stdout, proc.stderr[-3000:]


def test_old_import_paths_still_work():
    import sumix_ext.apis as apis
    import sumix_ext.config_loading as cl
    from sumix_ext.apis.config import load_config
    from sumix_ext.apis.config_errors import suggest
    from sumix_ext.apis.renamed_configs import RENAMED_CONFIGS, current_config
    from sumix_ext.evaluation.inference import load_eval_config  # noqa: F401
    assert apis.load_config is cl.load_config is load_config
    assert apis.check_cfg_options is cl.check_cfg_options
    assert apis.apply_dataloader_defaults is cl.apply_dataloader_defaults
    assert current_config is cl.current_config
    assert RENAMED_CONFIGS is cl.RENAMED_CONFIGS
    assert suggest('lodel', ['model']).endswith("'model'?")
