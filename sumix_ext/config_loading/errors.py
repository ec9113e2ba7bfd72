"""Errors of a config that does not load, located: the ``_base_`` file that
is missing (and who names it) or the first syntax error with its line."""
import difflib
import os
import os.path as osp


def suggest(key: str, choices) -> str:
    """"; did you mean 'X'?" for the closest of ``choices``, else ''."""
    close = difflib.get_close_matches(key, [str(c) for c in choices], n=1,
                                      cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ''


def base_files(name: str, text: str):
    """The ``_base_`` entries of one Python config, resolved against its
    folder (``mmpretrain::`` bases are skipped); raises SyntaxError."""
    import ast
    tree = ast.parse(text, filename=name)
    out = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            try:
                bases = ast.literal_eval(node.value)
            except ValueError:
                continue
            bases = [bases] if isinstance(bases, str) else bases
            out += [osp.normpath(osp.join(osp.dirname(name), b))
                    for b in bases if isinstance(b, str) and '::' not in b]
    return out


def walk_bases(path: str):
    """Yield ``(config, its text or None if missing, referrer)`` for
    ``path`` and its ``_base_`` chain (Python configs)."""
    seen, todo = set(), [(osp.abspath(path), None)]
    while todo:
        name, referrer = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if not osp.isfile(name):
            yield name, None, referrer
            continue
        with open(name, encoding='utf-8') as f:
            text = f.read()
        yield name, text, referrer
        if name.endswith('.py'):
            try:
                todo += [(b, name) for b in base_files(name, text)]
            except SyntaxError:
                continue


def located_syntax_error(path: str):
    """The first Python syntax error in ``path`` or its ``_base_`` files,
    as a ``SyntaxError`` with its file and line (MMEngine's message loses
    the line), or None."""
    import ast
    for name, text, _ in walk_bases(path):
        if text is None or not name.endswith('.py'):
            continue
        try:
            ast.parse(text, filename=name)
        except SyntaxError as exc:
            exc.filename = name
            return exc
    return None


def missing_base(path: str):
    """A ``FileNotFoundError`` naming the missing ``_base_`` file, the
    config that refers to it and a close match, or None."""
    for name, text, referrer in walk_bases(path):
        if text is None and referrer is not None:
            folder = osp.dirname(name)
            hint = suggest(osp.basename(name), [
                f for f in os.listdir(folder)
                if f.endswith('.py')]) if osp.isdir(folder) else ''
            return FileNotFoundError(
                f'_base_ file not found: {name}, named in {referrer}{hint}; '
                'fix that _base_ entry (paths are relative to the file that '
                'names them)')
    return None


