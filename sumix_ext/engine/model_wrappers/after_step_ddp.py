"""MMEngine's DDP wrapper that also runs the model's after-step work."""
from typing import Dict, Union

import torch
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import OptimWrapper
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class SUMixDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` plus the module's ``after_train_step``.

    Under DDP, MMEngine runs forward, backward and the optimizer step in
    ``MMDistributedDataParallel.train_step`` and never calls the model's
    own ``train_step``, so work a model does after its optimizer step is
    skipped there: for AutoMix/SAMix the momentum (EMA) update of the
    encoder that feeds the Mix Block,
    :math:`\\theta_k \\leftarrow m\\,\\theta_k + (1-m)\\,\\theta_q`.
    This wrapper runs the same step as MMEngine's and then calls
    ``module.after_train_step()`` when the module defines one, on every
    process (each process holds the same online weights after the
    all-reduced step, so every copy of the momentum encoder stays the same).
    A module without ``after_train_step`` trains exactly as under
    ``MMDistributedDataParallel``.

    ``SUMixRunner`` uses it for every distributed run whose config sets no
    ``model_wrapper_cfg`` (with MMEngine's defaults: ``broadcast_buffers=
    False``, ``find_unused_parameters`` from the config). A module with an
    after-step marks itself as wrapped (``module.stepped_by_wrapper``), so
    it can refuse another wrapper in one line.

    Args:
        module (torch.nn.Module): The model.
        **kwargs: ``MMDistributedDataParallel`` arguments.
    """

    def __init__(self, module: torch.nn.Module, **kwargs):
        super().__init__(module=module, **kwargs)
        if callable(getattr(module, 'after_train_step', None)):
            module.stepped_by_wrapper = True

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapper) -> Dict[str, torch.Tensor]:
        """``module.before_train_step(optim_wrapper)``, ``MMDistributed
        DataParallel.train_step``, then ``module.after_train_step()`` (each
        if the module has one)."""
        before = getattr(self.module, 'before_train_step', None)
        if callable(before):
            before(optim_wrapper)
        log_vars = super().train_step(data, optim_wrapper)
        after = getattr(self.module, 'after_train_step', None)
        if callable(after):
            after()
        return log_vars
