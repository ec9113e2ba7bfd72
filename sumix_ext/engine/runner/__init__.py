from .sumix_runner import (SUMixRunner, checkpoint_problem,
                           find_resumable_checkpoint)

__all__ = ['SUMixRunner', 'checkpoint_problem', 'find_resumable_checkpoint']
