"""Temperature scaling: the bounded pixel sample and the NLL fit."""
import math

import numpy as np
import pytest
import torch

from segnet_mm.evaluation import (calibration_summary, fit_temperature,
                                  fit_temperature_with_calibration,
                                  sample_pixels, temperature_nll)


def overconfident(true_temperature=3.0, pixels=200_000, classes=5, seed=0):
    """Logits ``true_temperature`` times too sharp: labels are drawn from
    softmax(logits / true_temperature)."""
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(pixels, classes, generator=generator) * 2
    labels = torch.multinomial(logits.softmax(1), 1, generator=generator)
    return logits * true_temperature, labels[:, 0]


def test_fit_recovers_the_true_temperature_and_lowers_nll():
    logits, labels = overconfident(3.0)
    fit = fit_temperature_with_calibration(logits, labels, mc_samples=4)
    assert fit.temperature == pytest.approx(3.0, rel=0.03)
    assert fit.mc_samples == 4
    assert fit.num_pixels == 200_000
    assert fit.after['NLL'] < fit.before['NLL'] - 0.3
    assert fit.after['ECE'] < 0.01 < 0.1 < fit.before['ECE']
    assert fit.after['Brier'] < fit.before['Brier']
    assert fit.after == calibration_summary(logits, labels, fit.temperature)


def test_fit_is_the_minimum_of_the_nll():
    logits, labels = overconfident(0.5, pixels=20_000)
    temperature = fit_temperature(logits, labels)
    grid = np.exp(np.linspace(math.log(0.1), math.log(10), 401))
    nll = [temperature_nll(logits, labels, t) for t in grid]
    best = grid[int(np.argmin(nll))]
    assert temperature == pytest.approx(best, rel=0.012)  # grid step 1.2%
    assert temperature_nll(logits, labels, temperature) <= min(nll) + 1e-6


def test_fit_warns_at_a_bound():
    # Every pixel right: sharper is always better.
    logits = torch.eye(3).repeat(10, 1)
    labels = torch.arange(3).repeat(10)
    with pytest.warns(UserWarning, match='at the bound of'):
        temperature = fit_temperature(logits, labels, bounds=(0.1, 10.))
    assert temperature == pytest.approx(0.1, rel=1e-3)
    # Every pixel wrong: flatter is always better, up to the upper bound.
    with pytest.warns(UserWarning, match=r'is at the bound of '
                      r'\(0.1, 10.0\)'):
        temperature = fit_temperature(logits, (labels + 1) % 3,
                                      bounds=(0.1, 10.))
    assert temperature == pytest.approx(10., rel=1e-3)
    with pytest.raises(ValueError, match='bounds must be 0 < low < high'):
        fit_temperature(logits, labels, bounds=(1., 1.))


def images(count=5, shape=(6, 7), classes=3, void=255):
    """Logits whose channels encode each pixel's id (image * 1000 + index)
    and class; labels with a void row."""
    out = []
    for i in range(count):
        ids = torch.arange(shape[0] * shape[1]).float().view(shape) + 1000 * i
        labels = torch.arange(ids.numel()).view(shape) % classes
        labels[0] = void
        logits = torch.stack([ids, labels.float(), torch.zeros(shape)])
        out.append((logits, labels[None]))
    return out


def test_sample_is_a_bounded_uniform_sample_of_valid_pixels():
    pairs = images()
    valid = 5 * 5 * 7
    logits, labels = sample_pixels(iter(pairs), max_pixels=60)
    assert logits.shape == (60, 3) and labels.shape == (60, )
    ids = logits[:, 0].long()
    assert len(set(ids.tolist())) == 60  # without replacement
    assert torch.equal(logits[:, 1].long(), labels)  # rows stay paired
    assert (labels != 255).all() and ((ids % 1000) >= 7).all()  # no void
    # From every image, not just the first ones.
    assert set((ids // 1000).tolist()) == set(range(5))
    # Deterministic per seed, different across seeds.
    again, _ = sample_pixels(pairs, max_pixels=60)
    other, _ = sample_pixels(pairs, max_pixels=60, seed=1)
    assert torch.equal(again, logits)
    assert not torch.equal(other, logits)
    # Fewer valid pixels than max_pixels: all of them.
    everything, _ = sample_pixels(pairs, max_pixels=1000)
    assert sorted(everything[:, 0].long().tolist()) == sorted(
        i * 1000 + j for i in range(5) for j in range(7, 42))
    assert len(everything) == valid


def test_sample_is_uniform_over_the_stream():
    """Each pixel is kept with probability max_pixels / valid: the first
    and the last image contribute alike."""
    pairs = images(count=20, shape=(10, 10))
    counts = np.zeros(20)
    for seed in range(50):
        logits, _ = sample_pixels(pairs, max_pixels=90, seed=seed)
        counts += np.bincount(logits[:, 0].long().numpy() // 1000,
                              minlength=20)
    expected = 50 * 90 / 20
    assert np.abs(counts - expected).max() < 0.25 * expected


def test_sample_errors():
    logits, labels = images(count=1)[0]
    with pytest.raises(ValueError, match=r'image 1: logits \(3, 6, 7\) and '
                       r'labels \(1, 6, 6\) differ in size'):
        sample_pixels([(logits, labels), (logits, labels[..., :6])])
    with pytest.raises(ValueError, match=r'image 0: labels \[5\] are '
                       r'outside 0..2'):
        sample_pixels([(logits, torch.full_like(labels, 5))])
    with pytest.raises(ValueError, match='no valid pixel'):
        sample_pixels([(logits, torch.full_like(labels, 255))])
    with pytest.raises(ValueError, match='max_pixels must be an int >= 1'):
        sample_pixels([], max_pixels=0)
