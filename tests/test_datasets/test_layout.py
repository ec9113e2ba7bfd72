"""check_layout: one line naming the path tried, the layout and the source."""
import pytest

from sumix_ext.datasets import DatasetLayoutError, check_layout


def test_missing_root_is_named(tmp_path):
    root = str(tmp_path / 'nope')
    with pytest.raises(DatasetLayoutError) as err:
        check_layout('Foo', root, ['a.txt'], '<root>/a.txt', 'https://x/foo')
    msg = str(err.value)
    assert '\n' not in msg
    assert root in msg and '<root>/a.txt' in msg and 'https://x/foo' in msg
    assert 'data_root' in msg  # says how to point at the data


def test_first_missing_file_is_named(tmp_path):
    (tmp_path / 'a.txt').write_text('')
    with pytest.raises(FileNotFoundError, match=r"b\.txt' not found"):
        check_layout('Foo', str(tmp_path), ['a.txt', 'b.txt', 'c.txt'],
                     'layout', 'source')
    (tmp_path / 'b.txt').write_text('')
    (tmp_path / 'c.txt').mkdir()
    check_layout('Foo', str(tmp_path), ['a.txt', 'b.txt', 'c.txt'], 'l', 's')
