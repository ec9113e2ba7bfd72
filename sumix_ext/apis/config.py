"""Moved to :mod:`sumix_ext.config_loading.loader` (one home below ``apis``
and ``evaluation``); these names stay importable from here."""
from ..config_loading.loader import (FREE_FORM, LOADERS,  # noqa: F401
                                     OPTIM_WRAPPER_KEYS, RUNNER_KEYS,
                                     apply_dataloader_defaults,
                                     check_cfg_options, follow_data_root,
                                     load_config, merge_options)
