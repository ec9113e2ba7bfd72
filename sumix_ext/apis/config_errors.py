"""Moved to :mod:`sumix_ext.config_loading.errors`; these names stay
importable from here."""
from ..config_loading.errors import (base_files,  # noqa: F401
                                     located_syntax_error, missing_base,
                                     suggest, walk_bases)
