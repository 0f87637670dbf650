import math

import pytest
import torch
import torch.nn as nn

from segnet_mm.models.utils import (dropout_sampling, mc_dropout_prefixes,
                                    mc_dropout_sample)


class Tiny(nn.Module):
    """conv -> BN -> dropout -> conv: K=3 logits, (N, 3, H, W)."""

    def __init__(self, p=0.5):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(p)
        self.cls = nn.Conv2d(4, 3, 1)

    def forward(self, x):
        return self.cls(self.drop(self.bn(self.conv(x))))


def test_only_dropout_switches_and_is_restored():
    model = Tiny().eval()
    with dropout_sampling(model) as layers:
        assert layers == [model.drop]
        assert model.drop.training and not model.bn.training
        assert not model.training
    assert not model.drop.training
    with pytest.raises(ValueError, match='Conv2d has no dropout layer'):
        with dropout_sampling(nn.Conv2d(1, 1, 1)):
            pass


def test_statistics_against_explicit_samples():
    torch.manual_seed(0)
    model = Tiny().eval()
    model.bn.running_mean.fill_(0.3)
    x = torch.randn(2, 2, 5, 6)
    torch.manual_seed(1)
    result = mc_dropout_sample(model, lambda: model(x), 8)
    # The same 8 dropout masks, drawn by hand.
    torch.manual_seed(1)
    model.drop.train()
    with torch.no_grad():
        samples = torch.stack([model(x).softmax(1) for _ in range(8)])
    model.drop.eval()
    mean = samples.mean(0)
    assert torch.allclose(result.probs, mean, atol=1e-6)
    assert torch.equal(result.pred, mean.argmax(1))
    assert torch.allclose(
        result.variance, samples.var(0, unbiased=False).mean(1), atol=1e-6)
    assert torch.allclose(
        result.entropy, -(mean * mean.log()).sum(1), atol=1e-5)
    sample_entropy = -(samples * samples.log()).sum(2).mean(0)
    assert torch.allclose(result.mutual_information,
                          result.entropy - sample_entropy, atol=1e-5)
    assert result.variance.shape == result.entropy.shape == (2, 5, 6)
    assert result.mutual_information.shape == (2, 5, 6)
    assert result.mutual_information.min() >= 0
    assert result.mutual_information.max() > 1e-3
    assert torch.all(result.mutual_information <= result.entropy)
    assert result.variance.min() > 0
    assert result.entropy.min() >= 0
    assert result.entropy.max() <= math.log(3) + 1e-6
    # BN stayed in eval: running statistics untouched.
    assert torch.all(model.bn.running_mean == 0.3)


def test_p0_equals_deterministic_forward():
    model = Tiny(p=0.).eval()
    x = torch.randn(1, 2, 4, 4)
    result = mc_dropout_sample(model, lambda: model(x), 4)
    with torch.no_grad():
        probs = model(x).softmax(1)
    assert torch.allclose(result.probs, probs, atol=1e-6)
    assert torch.all(result.variance < 1e-7)
    # Identical samples: all entropy is in each sample, none is mutual.
    assert torch.all(result.mutual_information < 1e-6)


def test_bad_num_samples():
    model = Tiny()
    with pytest.raises(ValueError, match='num_samples must be >= 1, got 0'):
        mc_dropout_sample(model, lambda: None, 0)


def test_prefixes_are_the_first_t_samples():
    torch.manual_seed(0)
    model = Tiny().eval()
    x = torch.randn(1, 2, 4, 5)
    torch.manual_seed(3)
    prefixes = mc_dropout_prefixes(model, lambda: model(x), [4, 2, 8])
    assert sorted(prefixes) == [2, 4, 8]
    for count in (2, 4, 8):
        torch.manual_seed(3)
        alone = mc_dropout_sample(model, lambda: model(x), count)
        for got, want in zip(prefixes[count], alone):
            assert torch.allclose(got, want, atol=1e-6)
    # Distinct T see distinct samples, not one result copied.
    assert not torch.allclose(prefixes[2].probs, prefixes[8].probs)
    with pytest.raises(ValueError, match='>= 1'):
        mc_dropout_prefixes(model, lambda: model(x), [0, 2])
