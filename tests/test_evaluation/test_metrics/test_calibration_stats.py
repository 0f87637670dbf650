"""calibration_stats: CalibrationMetric's per-pixel statistics, their
sum over images and its scores, on hand-computed values."""
import math

import pytest
import torch

from segnet_mm.evaluation.metrics.calibration_stats import (
    bin_sums, binned_auroc, binned_average_precision, confidence_bins,
    dense_histogram, expected_calibration_error, pixel_statistics, summarize,
    total_statistics, uncertainty_histogram)


def test_bin_sums_count_or_add_weights_in_float64():
    index = torch.tensor([2, 0, 2])
    assert bin_sums(index, 4).tolist() == [1, 0, 2, 0]
    sums = bin_sums(index, 4, torch.tensor([0.5, 1.0, 2.0]))
    assert sums.dtype == torch.float64 and sums.tolist() == [1, 0, 2.5, 0]


def test_confidence_bins():
    """Bin m of 15 holds confidences in (m/15, (m+1)/15]: 0.65 and 0.62 in
    bin 9, 0.69 in bin 10, 0.99 and 1.0 in bin 14."""
    confidence = torch.tensor([0.65, 0.62, 0.69, 0.99, 1.0])
    probs = torch.stack([confidence, 1 - confidence], 1)
    labels = torch.tensor([0, 1, 1, 0, 0])
    # Log probabilities as logits: their softmax gives the probabilities.
    stats = pixel_statistics(probs.clamp_min(1e-30).log(), labels)
    assert stats['count'].nonzero().ravel().tolist() == [9, 10, 14]
    assert stats['count'][[9, 10, 14]].tolist() == [2, 1, 2]
    assert stats['confidence'][[9, 10, 14]].tolist() == pytest.approx(
        [1.27, 0.69, 1.99], abs=1e-6)
    assert stats['correct'][[9, 10, 14]].tolist() == [1, 0, 2]
    # ECE = (|1 - 1.27| + |0 - 0.69| + |2 - 1.99|) / 5
    assert summarize(total_statistics([stats]))['ECE'] == pytest.approx(
        0.97 / 5, abs=1e-6)


def test_confidence_on_a_bin_edge_is_in_the_bin_below():
    """Bins are (m/M, (m+1)/M]: with M = 4 the edges 0.25, 0.5, 0.75 and 1
    (exact in float32) fall in bins 0, 1, 2 and 3."""
    edges = torch.tensor([0.25, 0.5, 0.75, 1.0])
    assert confidence_bins(edges, 4).tolist() == [0, 1, 2, 3]
    assert confidence_bins(torch.nextafter(edges, torch.tensor(2.)),
                           4).tolist()[:3] == [1, 2, 3]
    # The nearest float32 to m/15: in the bin the definition (in exact
    # arithmetic) gives, whichever side of m/15 it rounded to.
    confidence = torch.arange(1, 16) / 15
    exact = confidence.double().numpy()
    expected = [
        next(m for m in range(15) if m / 15 < c <= (m + 1) / 15)
        for c in exact
    ]
    assert confidence_bins(confidence, 15).tolist() == expected
    # Through pixel_statistics: 2 classes tied (confidence 0.5) and 4 tied
    # (0.25) fill bins 1 and 0 of 4.
    logits = torch.tensor([[0., 0., -50., -50.], [0., 0., 0., 0.]])
    stats = pixel_statistics(logits, torch.tensor([0, 0]), num_bins=4)
    assert stats['count'].tolist() == [1, 1, 0, 0]


def test_uncertainty_histogram_clamps_and_puts_wrong_pixels_in_row_1():
    # Bins of 0.5 over [0, 2]: -1 and 0.25 in bin 0, 2.5 and 10 in bin 3.
    histogram = uncertainty_histogram(
        torch.tensor([-1., 0.25, 2.5, 10.]),
        torch.tensor([False, True, False, True]), max_value=2.0, num_bins=4)
    assert histogram.dtype == torch.int32
    assert histogram.tolist() == [[0, 3, 4, 7], [1, 1, 1, 1]]
    assert dense_histogram(histogram, 4).tolist() == [[1, 0, 0, 1],
                                                      [1, 0, 0, 1]]


def test_expected_calibration_error():
    # (|2 - 1.8| + |1 - 1.5|) / 5
    assert expected_calibration_error(
        torch.tensor([2., 3.]), torch.tensor([1.8, 1.5]),
        torch.tensor([2., 1.])) == pytest.approx(0.14)
    assert math.isnan(expected_calibration_error(*torch.zeros(3, 2)))


def test_binned_auroc_counts_shared_bins_as_ties():
    # correct: bins 0, 1; wrong: bins 1, 2. Pairs: (1>0), (1=1), (2>0),
    # (2>1): 3.5 / 4.
    histogram = torch.tensor([[1., 1., 0.], [0., 1., 1.]])
    assert binned_auroc(histogram) == (0.875, 0.125)
    no_wrong = histogram * torch.tensor([[1.], [0.]])
    assert all(math.isnan(v) for v in binned_auroc(no_wrong))


def test_binned_average_precision_steps_down_the_bins():
    # Wrong pixels flagged from the top bin down: bin 2 (1 of 1 flagged
    # wrong, recall 1/2), then bin 1 (2 of 3, recall 1).
    histogram = torch.tensor([[1., 1., 0.], [0., 1., 1.]])
    assert binned_average_precision(histogram) == pytest.approx(
        0.5 * 1 + 0.5 * 2 / 3)
    no_wrong = histogram * torch.tensor([[1.], [0.]])
    assert math.isnan(binned_average_precision(no_wrong))


def test_total_statistics_adds_images_and_checks_their_uncertainties():
    logits = torch.tensor([[2., 0.], [0., 1.], [1., 1.]])
    labels = torch.tensor([0, 0, 1])
    one = pixel_statistics(logits, labels)
    split = total_statistics([pixel_statistics(logits[:1], labels[:1]),
                              pixel_statistics(logits[1:], labels[1:])])
    whole = total_statistics([one])
    assert set(split) == set(whole) == {
        'pixels', 'nll', 'brier', 'count', 'confidence', 'correct', 'entropy'
    }
    for key in split:
        assert torch.allclose(split[key], whole[key]), key
    assert whole['pixels'] == 3 and whole['entropy'].shape == (2, 10000)
    assert whole['entropy'].sum() == 3
    with_mi = pixel_statistics(logits, labels,
                               mutual_information=torch.zeros(3))
    with pytest.raises(ValueError, match='some data samples carry '
                       'mutual_information and some do not'):
        total_statistics([one, with_mi])
    assert 'mutual_information' in total_statistics([with_mi])


def test_summarize_means_and_nan_without_pixels():
    logits = torch.tensor([[2., 0.], [0., 1.]])
    labels = torch.tensor([0, 0])
    summary = summarize(total_statistics([pixel_statistics(logits,
                                                           labels)]))
    log_probs = logits.log_softmax(1)
    assert summary['NLL'] == pytest.approx(
        -float(log_probs[0, 0] + log_probs[1, 0]) / 2)
    probs = log_probs.exp()
    assert summary['Brier'] == pytest.approx(float(
        ((probs - torch.tensor([1., 0.]))**2).sum(1).mean()))
    empty = summarize(total_statistics([]))
    assert set(empty) == {'ECE', 'NLL', 'Brier', 'AUROC.entropy',
                          'AUPR.entropy', 'AUROC.entropy.bound'}
    assert all(math.isnan(v) for v in empty.values())


def test_sums_are_float64_from_the_first_pixel():
    """A split's millions of pixels add up exactly: every sum is float64,
    those of one image and those of none."""
    logits = torch.tensor([[2., 0.], [0., 1.]])
    one = pixel_statistics(logits, torch.tensor([0, 0]))
    for stats in (one, total_statistics([one]), total_statistics([])):
        for key in ('pixels', 'nll', 'brier', 'count', 'confidence',
                    'correct'):
            assert stats[key].dtype == torch.float64, key
    assert total_statistics([one])['entropy'].dtype == torch.float64
    assert bin_sums(torch.tensor([1]), 2).dtype == torch.float64


def test_confidence_bins_outside_0_1_go_to_the_end_bins():
    """Rounding can put a confidence at 0 or just above 1: they land in
    the first and the last bin, not outside."""
    confidence = torch.tensor([0.0, 1.0 + 1e-6])
    assert confidence_bins(confidence, 15).tolist() == [0, 14]


def test_one_wrong_and_one_correct_pixel_are_scored():
    histogram = torch.tensor([[1., 0.], [0., 1.]])  # correct less uncertain
    assert binned_auroc(histogram) == (1.0, 0.0)
    assert binned_average_precision(histogram) == 1.0


def test_mixed_uncertainties_message():
    logits = torch.tensor([[2., 0.]])
    labels = torch.tensor([0])
    plain = pixel_statistics(logits, labels)
    with_mi = pixel_statistics(logits, labels,
                               mutual_information=torch.zeros(1))
    with pytest.raises(ValueError) as error:
        total_statistics([with_mi, plain])
    assert str(error.value) == (
        "CalibrationMetric: some data samples carry mutual_information and "
        "some do not (binned: ['entropy', 'mutual_information'] vs "
        "['entropy'])")
