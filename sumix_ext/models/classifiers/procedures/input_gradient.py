"""What the procedures that take the clean batch's input gradient share
(PuzzleMix, GuidedMix-AP): the refusal of gradient checkpointing and the
plain logits of a batch."""
import torch


def refuse_checkpointing(model, method: str, fix: str) -> None:
    """One line at build when a module checkpoints its activations
    (mmpretrain's ``with_cp=True``): the reentrant checkpoint cannot give
    the input gradient ``torch.autograd.grad`` takes.

    Args:
        model: The classifier.
        method (str): The method, for the message.
        fix (str): What to do instead (after ``set with_cp=False, or``).
    """
    for name, module in model.named_modules():
        if getattr(module, 'with_cp', False) is True:
            raise ValueError(
                f'MixupClassifier: {method} takes the input gradient of the '
                'clean batch, which gradient checkpointing '
                f'({name or "model"}.with_cp=True) cannot give; set '
                f'with_cp=False, or {fix}')


def logits(model, x: torch.Tensor) -> torch.Tensor:
    """Class logits of ``x`` (backbone, neck, head; the model's memory
    format)."""
    return model.head(model.extract_feat(model._memory_format(x)))
