"""Helpers behind ``tools/*.py`` (config loading, runner building, one-line
error reporting) and the Python API (``init_model``, ``inference_model``)."""
from .cli import DictActionLazy
from .config import (apply_dataloader_defaults, check_cfg_options,
                     load_config)
from .errors import cli_errors
from .inference import inference_model, init_model
from .runner import build_runner_from_cfg, close_distributed

__all__ = [
    'load_config', 'check_cfg_options', 'cli_errors', 'build_runner_from_cfg',
    'close_distributed', 'apply_dataloader_defaults', 'init_model',
    'inference_model', 'DictActionLazy'
]
