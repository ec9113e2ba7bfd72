"""Helpers behind ``tools/*.py`` (config loading, runner building, one-line
error reporting) and the Python API (``init_model``, ``inference_model``)."""
from .cli import DictActionLazy, add_model_args, agg_pyplot, write_outputs
from ..config_loading import (apply_dataloader_defaults, check_cfg_options,
                             load_config)
from .errors import cli_errors
from .inference import inference_model, init_model
from .runner import (build_runner_from_cfg, close_distributed,
                     exit_distributed_rank, finish_distributed)

__all__ = [
    'load_config', 'check_cfg_options', 'cli_errors', 'build_runner_from_cfg',
    'close_distributed', 'exit_distributed_rank', 'finish_distributed',
    'apply_dataloader_defaults', 'init_model', 'inference_model',
    'DictActionLazy', 'add_model_args', 'agg_pyplot', 'write_outputs'
]
