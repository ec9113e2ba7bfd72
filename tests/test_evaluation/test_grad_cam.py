import pytest
import torch
import torch.nn as nn

from sumix_ext.evaluation import GradCAM
from tests.conftest import build_tiny_classifier


class ToyClassifier(nn.Module):
    """Class score = linear map of the spatial mean of ReLU(1x1 conv)."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(1, 2, 1), nn.ReLU())
        self.fc = nn.Linear(2, 3)
        with torch.no_grad():
            self.backbone[0].weight.copy_(torch.tensor([1.0, 0.5]).view(2, 1,
                                                                       1, 1))
            self.backbone[0].bias.zero_()
            self.fc.weight.copy_(torch.tensor([[1.0, 1.0], [-1.0, 0.0],
                                               [0.0, -1.0]]))
            self.fc.bias.zero_()

    def forward(self, x, mode='tensor'):
        return self.fc(self.backbone(x).mean((2, 3)))


def test_map_peaks_on_the_evidence():
    x = torch.zeros(2, 1, 12, 12)
    x[0, 0, 2:5, 6:9] = 1.0  # blob top-right in image 0
    x[1, 0, 8:11, 1:4] = 1.0  # blob bottom-left in image 1
    cams, logits = GradCAM(ToyClassifier())(x, torch.tensor([0, 0]))
    assert cams.shape == (2, 12, 12)
    assert torch.allclose(cams[0, 2:5, 6:9], torch.ones(3, 3))
    assert torch.allclose(cams[1, 8:11, 1:4], torch.ones(3, 3))
    assert cams[0].sum() == pytest.approx(9.0)  # zero outside the blob
    # a class with negative evidence everywhere gets an all-zero map
    neg, _ = GradCAM(ToyClassifier())(x, torch.tensor([1, 1]))
    assert (neg == 0).all()
    assert logits.argmax(1).tolist() == [0, 0]


def test_real_classifier_maps_are_per_image_and_normalised():
    torch.manual_seed(0)
    model = build_tiny_classifier(in_channels=1).eval()
    x = torch.randn(3, 1, 16, 16)
    cam = GradCAM(model)
    batch, logits = cam(x)
    alone, _ = cam(x[:1])
    assert batch.shape == (3, 16, 16)
    assert batch.min() >= 0 and torch.allclose(batch.amax((1, 2)),
                                               torch.ones(3))
    assert torch.allclose(batch[0], alone[0], atol=1e-5)
    assert torch.equal(logits, model(x, mode='tensor'))
    layer3, _ = GradCAM(model, 'backbone.layer3')(x)
    assert layer3.shape == (3, 16, 16)
    assert not torch.allclose(layer3, batch)
    assert all(p.grad is None for p in model.parameters())


def test_bad_target_layer():
    with pytest.raises(ValueError, match="'backbone.nope' is not a module"):
        GradCAM(ToyClassifier(), 'backbone.nope')
    with pytest.raises(ValueError, match='pick a conv stage'):
        GradCAM(ToyClassifier(), 'fc')(torch.rand(1, 1, 4, 4))


def test_vit_token_activations_give_maps():
    """A small mmpretrain VisionTransformer (DeiT-like, class token):
    token activations of the last block's ln1 are reshaped to a 4x4 grid."""
    from mmpretrain.registry import MODELS

    from sumix_ext.evaluation.grad_cam import default_target_layer
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='ImageClassifier',
        backbone=dict(type='VisionTransformer',
                      arch=dict(embed_dims=32, num_layers=2, num_heads=2,
                                feedforward_channels=64),
                      img_size=32, patch_size=8),
        head=dict(type='VisionTransformerClsHead', num_classes=5,
                  in_channels=32))).eval()
    assert default_target_layer(model) == 'backbone.layers.1.ln1'
    x = torch.rand(2, 3, 32, 32)
    cams, logits = GradCAM(model)(x)
    assert cams.shape == (2, 32, 32) and logits.shape == (2, 5)
    assert cams.min() >= 0 and cams.max() <= 1 and cams.max() > 0
    with pytest.raises(ValueError, match='not a square grid'):
        GradCAM(model, num_extra_tokens=0)(x)
