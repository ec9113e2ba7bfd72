"""The core of :mod:`sumix_ext.evaluation.doc_render` that its renderer
modules share: a marked section, the error, loading a result file."""
import json
import os.path as osp
from typing import NamedTuple


class Section(NamedTuple):
    """One marked section of a document."""
    spec: str
    body: str
    line: int  # 1-based line of its opening marker


class RenderError(ValueError):
    """A marker that cannot be rendered (unknown kind, missing file, a
    placeholder the file cannot fill)."""


def _load(root: str, path: str) -> dict:
    full = osp.join(root, path)
    if not osp.isfile(full):
        raise RenderError(f'{path}: no such result file')
    with open(full) as f:
        return json.load(f)


def _sd(z: float) -> str:
    """Combined stds, one decimal, never ``-0.0``."""
    text = f'{z:.1f}'
    return '0.0' if text == '-0.0' else text
