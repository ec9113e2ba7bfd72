"""Loading a config: one home below :mod:`sumix_ext.apis` and
:mod:`sumix_ext.evaluation`, which both load configs and so import this
package; it imports neither of them (tested:
``tests/test_config_loading/test_layering.py``).

* :mod:`.loader`: :func:`load_config` (a located one-line error for a missing
  file, a ``_base_`` typo, a syntax error; ``--cfg-options`` keys checked
  before they are merged), :func:`check_cfg_options`,
  :func:`apply_dataloader_defaults`;
* :mod:`.errors`: where a config that does not load goes wrong;
* :mod:`.renamed`: configs renamed on 2026-12-02 (old path -> new path).

``sumix_ext.apis.load_config`` (and ``sumix_ext.apis.config``,
``.config_errors``, ``.renamed_configs``) re-export these names.
"""
from .loader import apply_dataloader_defaults, check_cfg_options, load_config
from .renamed import RENAMED_CONFIGS, current_config, renamed_hint

__all__ = ['load_config', 'check_cfg_options', 'apply_dataloader_defaults',
           'RENAMED_CONFIGS', 'current_config', 'renamed_hint']
