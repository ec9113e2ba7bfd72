"""Moved to :mod:`sumix_ext.config_loading.renamed`; these names stay
importable from here."""
from ..config_loading.renamed import (RENAMED_CONFIGS,  # noqa: F401
                                      current_config, renamed_hint)
