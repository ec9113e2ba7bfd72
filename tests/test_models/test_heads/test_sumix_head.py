import torch

from sumix_ext.models.heads import SUMixHead


def test_forward_is_class_logits_and_uncertainty_is_normalised():
    head = SUMixHead(num_classes=7, in_channels=12)
    feats = (torch.randn(5, 12), )
    logits = head(feats)
    assert torch.allclose(logits, head.fc(feats[0]))
    cls, unc = head.forward_sumix(feats)
    assert torch.allclose(cls, logits)
    assert torch.allclose(unc.norm(dim=1), torch.ones(5), atol=1e-6)
    assert (unc >= 0).all()
    expected = torch.softmax(head.fc_unc(feats[0]), 1)
    expected = expected / expected.norm(dim=1, keepdim=True)
    assert torch.allclose(unc, expected, atol=1e-6)


def test_without_norm_uncertainty_is_the_logits():
    head = SUMixHead(num_classes=4, in_channels=6, is_norm=False)
    assert not hasattr(head, 'fc_unc')
    cls, unc = head.forward_sumix((torch.randn(3, 6), ))
    assert torch.equal(cls, unc)
