"""Load a config and check ``--cfg-options`` keys before merging them."""
import difflib
import os.path as osp
from typing import Optional

from mmengine.config import Config


def _suggest(key: str, choices) -> str:
    close = difflib.get_close_matches(key, [str(c) for c in choices], n=1,
                                      cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ''


def check_cfg_options(cfg: Config, options: dict) -> None:
    """Reject ``--cfg-options`` keys that do not exist in ``cfg``.

    Every part of a dotted key before the last must exist. The last part
    must exist too, unless its parent is a component config (a dict with a
    ``type``), where a new keyword argument is allowed (the component's
    constructor checks it).

    Args:
        cfg (Config): The loaded config.
        options (dict): ``{'a.b.c': value}`` as parsed by ``DictAction``.

    Raises:
        KeyError: One line naming the bad key and the nearest existing one.
    """
    for dotted in options:
        node = cfg._cfg_dict if isinstance(cfg, Config) else cfg
        parts = dotted.split('.')
        for depth, part in enumerate(parts):
            path = '.'.join(parts[:depth + 1])
            last = depth == len(parts) - 1
            if isinstance(node, (list, tuple)):
                if part.isdigit() and int(part) < len(node):
                    node = node[int(part)]
                    continue
                raise KeyError(f'--cfg-options: {path} does not exist ('
                               f'{".".join(parts[:depth])} is a list of '
                               f'{len(node)} items)')
            if not isinstance(node, dict):
                raise KeyError(f'--cfg-options: {path} does not exist '
                               f'({".".join(parts[:depth])} is not a dict)')
            if part in node:
                node = node[part]
                continue
            if last and 'type' in node:
                break  # new kwarg of a component; its constructor checks it
            raise KeyError(f"--cfg-options: key '{path}' does not exist in "
                           f'the config{_suggest(part, node.keys())}')


def _located_syntax_error(path: str):
    """The first Python syntax error in ``path`` or its ``_base_`` files,
    as a ``SyntaxError`` with its file and line (MMEngine's message loses
    the line), or None."""
    import ast
    seen, todo = set(), [osp.abspath(path)]
    while todo:
        name = todo.pop()
        if name in seen or not osp.isfile(name):
            continue
        seen.add(name)
        with open(name, encoding='utf-8') as f:
            text = f.read()
        try:
            tree = ast.parse(text, filename=name)
        except SyntaxError as exc:
            exc.filename = name
            return exc
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                    getattr(t, 'id', None) == '_base_' for t in node.targets):
                try:
                    bases = ast.literal_eval(node.value)
                except ValueError:
                    continue
                bases = [bases] if isinstance(bases, str) else bases
                todo += [osp.normpath(osp.join(osp.dirname(name), b))
                         for b in bases if isinstance(b, str)]
    return None


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Load ``path`` and merge checked ``--cfg-options`` into it.

    Args:
        path (str): Config file.
        cfg_options (dict, optional): Overrides from the command line.

    Returns:
        Config: The merged config.
    """
    if not osp.isfile(path):
        hint = ''
        folder = osp.dirname(path) or '.'
        if osp.isdir(folder):
            hint = _suggest(osp.basename(path), [
                f for f in __import__('os').listdir(folder) if f.endswith('.py')
            ])
        raise FileNotFoundError(f'config file not found: {path}{hint}')
    try:
        cfg = Config.fromfile(path)
    except SyntaxError as exc:
        raise _located_syntax_error(path) or exc

    if cfg_options:
        check_cfg_options(cfg, cfg_options)
        cfg.merge_from_dict(cfg_options)
    return cfg
