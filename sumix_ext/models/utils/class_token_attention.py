r"""Read the class token's attention of a vision transformer's last block
(TransMix's label signal) from mmpretrain's ``VisionTransformer`` with
hooks: no copied backbone, no change to its forward."""
from typing import Optional, Tuple

import torch
from torch import nn


class ClassTokenAttention:
    r"""Context manager that records, during one forward pass, the class
    token's attention over the patch tokens in the last transformer block,
    averaged over heads:

    .. math::
        A = \frac1H \sum_h \mathrm{softmax}\Big(\frac{q_{h,0}\,K_h^\top}
        {\sqrt{d_h}}\Big)_{[\text{patch tokens}]}

    with :math:`q_{h,0}` the class token's query and :math:`K_h` the keys
    of head :math:`h`, recomputed from the block's attention input (its
    ``qkv`` projection, without gradient, as the authors' code detaches the
    map). Works with every mmpretrain backbone built on
    ``VisionTransformer`` (ViT, DeiT, DeiT distilled: the class token is
    token 0, the other extra tokens are skipped).

    Example::

        with ClassTokenAttention(model.backbone) as probe:
            logits = model.head(model.extract_feat(x))
        attn, grid = probe.attention, probe.grid  # (N, T), (h, w)

    Args:
        backbone (nn.Module): An mmpretrain ``VisionTransformer`` with a
            class token.

    Raises:
        ValueError: The backbone has no transformer blocks with a ``qkv``
            attention or no class token (the message names the fix).
    """

    def __init__(self, backbone: nn.Module):
        name = type(backbone).__name__
        layers = getattr(backbone, 'layers', None)
        attn = getattr(layers[-1], 'attn', None) if isinstance(
            layers, nn.ModuleList) and len(layers) else None
        if attn is None or not hasattr(attn, 'qkv') or not hasattr(
                backbone, 'patch_embed'):
            raise ValueError(
                'TransMix labels from the class token attention of a vision '
                "transformer; the backbone is a "
                f"{name}: use dict(type='VisionTransformer', ...) (ViT/DeiT) "
                "or another mixer (e.g. BatchSnapMix for CNNs)")
        if getattr(backbone, 'cls_token', None) is None:
            raise ValueError(
                f'TransMix needs a class token, but this {name} has none '
                '(with_cls_token=False); set model.backbone.with_cls_token='
                "True and out_type='cls_token'")
        self.backbone = backbone
        self.attn_module = attn
        self.num_extra_tokens = int(getattr(backbone, 'num_extra_tokens', 1))
        self.attention: Optional[torch.Tensor] = None
        self.grid: Optional[Tuple[int, int]] = None
        self._handles = []

    def _on_patch_embed(self, module, args, output) -> None:
        self.grid = tuple(int(v) for v in output[1])

    def _on_attention(self, module, args) -> None:
        x = args[0]
        b, n, _ = x.shape
        heads, dims = module.num_heads, module.head_dims
        with torch.no_grad():
            qkv = module.qkv(x).reshape(b, n, 3, heads, dims)
            q = qkv[:, :1, 0].permute(0, 2, 1, 3)  # (B, H, 1, d) cls query
            k = qkv[:, :, 1].permute(0, 2, 1, 3)   # (B, H, N, d)
            logits = (q.float() @ k.float().transpose(-2, -1)) * dims**-0.5
            attn = logits.softmax(dim=-1)[:, :, 0]  # (B, H, N)
            self.attention = attn.mean(dim=1)[:, self.num_extra_tokens:]

    def __enter__(self) -> 'ClassTokenAttention':
        self.attention, self.grid = None, None
        self._handles = [
            self.backbone.patch_embed.register_forward_hook(
                self._on_patch_embed),
            self.attn_module.register_forward_pre_hook(self._on_attention),
        ]
        return self

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []
