"""Per-image sufficient statistics of ``CalibrationMetric`` (ECE, NLL,
Brier score, AUROC and AUPR of per-pixel uncertainties), their sum over
images, and the scores of that sum.

Fixed-size histograms: memory does not grow with the pixels scored, and
each pixel is binned once rather than compared with every threshold
(docs/segnet_family.md compares them with torchmetrics' classes).
"""
import math
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
from torch import Tensor

# Per-pixel uncertainties whose misclassification ranking is reported, by
# the short name of their results keys.
UNCERTAINTIES = OrderedDict(entropy='entropy', mutual_information='MI')
NUM_BINS = 15
NUM_UNCERTAINTY_BINS = 10000
# The sums of pixel_statistics that are not histograms.
_SUMS = ('pixels', 'nll', 'brier', 'count', 'confidence', 'correct')


def bin_sums(index: Tensor,
             num_bins: int,
             weights: Optional[Tensor] = None) -> Tensor:
    """Sum ``weights`` (default: 1 each) per bin, in float64.

    ``index_add_`` rather than ``bincount(weights=...)``, which raises on
    CUDA under ``torch.use_deterministic_algorithms``.

    Args:
        index (Tensor): Bin of each element, int64 in [0, num_bins), (N, ).
        num_bins (int): Length of the result.
        weights (Tensor, optional): Value of each element, (N, ).
            Default: None.

    Returns:
        Tensor: float64, (num_bins, ), on ``index``'s device.
    """
    if weights is None:
        weights = torch.ones_like(index, dtype=torch.float64)
    sums = torch.zeros(num_bins, dtype=torch.float64, device=index.device)
    return sums.index_add_(0, index, weights.to(torch.float64))


def confidence_bins(confidence: Tensor, num_bins: int) -> Tensor:
    """The ECE bin of each confidence: bin m holds
    ``(m / num_bins, (m + 1) / num_bins]``, so a confidence on the edge
    m / num_bins is in bin m - 1, and 1 in the last bin.

    The product with ``num_bins`` is taken in float64, where it is exact for
    float32 confidences, so the edges are exactly m / num_bins.

    Args:
        confidence (Tensor): Values in (0, 1], (N, ).
        num_bins (int): Number of equal-width bins over [0, 1].

    Returns:
        Tensor: int64 in [0, num_bins), (N, ).
    """
    scaled = (confidence.double() * num_bins).ceil().long()
    return scaled.clamp_(1, num_bins) - 1


def uncertainty_histogram(uncertainty: Tensor, wrong: Tensor,
                          max_value: float, num_bins: int) -> Tensor:
    """Counts of correct and of misclassified pixels per uncertainty bin,
    as the occupied bins of the (2, num_bins) histogram only.

    Args:
        uncertainty (Tensor): Per-pixel uncertainty, (N, ); values outside
            [0, max_value] are clamped into the first or last bin.
        wrong (Tensor): bool, (N, ), True where the prediction is wrong.
        max_value (float): Upper end of the binned range [0, max_value].
        num_bins (int): Number of equal-width bins.

    Returns:
        Tensor: int32, (2, n) for the n occupied bins: row 0 is the bin's
        index in the flattened (2, num_bins) histogram whose row 0 counts
        the correct pixels and row 1 the wrong ones, bin b holding
        ``[b, b + 1) * max_value / num_bins`` (the last one closed); row 1
        is its count. :func:`dense_histogram` unpacks it.
    """
    index = (uncertainty.float() * (num_bins / max_value)).floor().long()
    index = index.clamp_(0, num_bins - 1) + wrong.long() * num_bins
    return torch.stack(index.unique(return_counts=True)).int()


def dense_histogram(histogram: Tensor, num_bins: int) -> Tensor:
    """The (2, num_bins) float64 histogram of :func:`uncertainty_histogram`'s
    occupied bins."""
    index, count = histogram.long()
    return bin_sums(index, 2 * num_bins, count).view(2, num_bins)


def pixel_statistics(logits: Tensor,
                     labels: Tensor,
                     temperature: float = 1.0,
                     num_bins: int = NUM_BINS,
                     num_uncertainty_bins: int = NUM_UNCERTAINTY_BINS,
                     mutual_information: Optional[Tensor] = None
                     ) -> Dict[str, Tensor]:
    """Sufficient statistics of ECE, NLL, Brier score, AUROC and AUPR of
    some pixels (e.g. one image's); :func:`total_statistics` adds those of
    several sets of pixels.

    Computed in float32 on ``logits``' device; sums are float64.

    Args:
        logits (Tensor): Valid pixels' logits, (N, K); N may be 0.
        labels (Tensor): Their labels in [0, K), int64, (N, ).
        temperature (float): Probabilities are
            ``softmax(logits / temperature)``. Default: 1.0.
        num_bins (int): Equal-width confidence bins of the ECE
            (:func:`confidence_bins`). Default: 15.
        num_uncertainty_bins (int): Equal-width bins of each uncertainty
            over [0, log K]. Default: 10000.
        mutual_information (Tensor, optional): The pixels' mutual
            information, (N, ), binned beside the predictive entropy.
            Default: None.

    Returns:
        dict[str, Tensor]: float64 ``pixels``, ``nll`` and ``brier`` sums
        (scalars); ``count``, ``confidence`` and ``correct`` per confidence
        bin, (num_bins, ); ``entropy`` (and ``mutual_information``)
        histograms of :func:`uncertainty_histogram`, (2, n).
    """
    num_classes = logits.shape[1]
    log_probs = (logits.float() / temperature).log_softmax(dim=1)
    probs = log_probs.exp()
    confidence, pred = probs.max(dim=1)
    wrong = pred != labels
    log_likelihood = log_probs.gather(1, labels[:, None])[:, 0]
    # sum_k (p_k - [k = y])^2 = sum_k p_k^2 - 2 p_y + 1
    brier = probs.square().sum(dim=1) - 2 * log_likelihood.exp() + 1
    entropy = -torch.special.xlogy(probs, probs).sum(dim=1)
    conf_bin = confidence_bins(confidence, num_bins)

    def total(value: Tensor) -> Tensor:
        return value.sum(dtype=torch.float64)

    stats = dict(
        pixels=torch.tensor(
            float(labels.numel()), dtype=torch.float64, device=logits.device),
        nll=-total(log_likelihood),
        brier=total(brier),
        count=bin_sums(conf_bin, num_bins),
        confidence=bin_sums(conf_bin, num_bins, confidence),
        correct=bin_sums(conf_bin, num_bins, ~wrong))
    uncertainties = dict(entropy=entropy)
    if mutual_information is not None:
        uncertainties['mutual_information'] = mutual_information
    for name, value in uncertainties.items():
        stats[name] = uncertainty_histogram(value, wrong,
                                            math.log(num_classes),
                                            num_uncertainty_bins)
    return stats


def total_statistics(
        stats: Sequence[Dict[str, Tensor]],
        num_bins: int = NUM_BINS,
        num_uncertainty_bins: int = NUM_UNCERTAINTY_BINS
) -> Dict[str, Tensor]:
    """The sum of several :func:`pixel_statistics`, in their order, on the
    CPU, with dense (2, num_uncertainty_bins) histograms.

    Args:
        stats (Sequence[dict[str, Tensor]]): Statistics computed with these
            ``num_bins`` and ``num_uncertainty_bins``; none gives zero sums
            of the entropy only.
        num_bins (int): Confidence bins. Default: 15.
        num_uncertainty_bins (int): Uncertainty bins. Default: 10000.

    Returns:
        dict[str, Tensor]: Keys of :func:`pixel_statistics`, float64.

    Raises:
        ValueError: if some statistics bin ``mutual_information`` and some
            do not.
    """
    names = [n for n in UNCERTAINTIES if n in stats[0]] if stats else [
        'entropy'
    ]
    total = dict(
        pixels=torch.zeros((), dtype=torch.float64),
        nll=torch.zeros((), dtype=torch.float64),
        brier=torch.zeros((), dtype=torch.float64),
        count=torch.zeros(num_bins, dtype=torch.float64),
        confidence=torch.zeros(num_bins, dtype=torch.float64),
        correct=torch.zeros(num_bins, dtype=torch.float64))
    for name in names:
        total[name] = torch.zeros(2, num_uncertainty_bins,
                                  dtype=torch.float64)
    for item in stats:
        binned = [n for n in UNCERTAINTIES if n in item]
        if binned != names:
            raise ValueError(
                'CalibrationMetric: some data samples carry '
                'mutual_information and some do not (binned: '
                f'{names} vs {binned})')
        for key in _SUMS:
            total[key] += item[key].cpu()
        for name in names:
            total[name] += dense_histogram(item[name].cpu(),
                                           num_uncertainty_bins)
    return total


def expected_calibration_error(count: Tensor, confidence: Tensor,
                               correct: Tensor) -> float:
    """Top-label ECE (`Guo et al. 2017 <https://arxiv.org/abs/1706.04599>`_)
    from per-bin pixel counts and sums of confidence and of correctness:
    ``sum_m |correct_m - confidence_m| / sum_m count_m``, a fraction; NaN
    without pixels (0 / 0)."""
    return float((correct - confidence).abs().sum() / count.sum())


def binned_auroc(histogram: Tensor) -> Tuple[float, float]:
    """Area under the ROC curve of detecting wrong pixels by uncertainty.

    It is the probability that a wrong pixel is more uncertain than a
    correct one, pixels in one bin counting as ties (1/2): exactly
    ``roc_auc_score`` of the binned uncertainties. The unbinned AUROC
    differs only in the pairs of a wrong and a correct pixel that share a
    bin, scored 1/2 here and 0, 1/2 or 1 there; half their fraction of all
    such pairs bounds the error.

    Args:
        histogram (Tensor): (2, B) counts of correct and wrong pixels per
            bin, from :func:`dense_histogram`.

    Returns:
        tuple[float, float]: The AUROC and the bound of its binning error,
        both fractions; NaN if no pixel, or every pixel, is wrong.
    """
    correct, wrong = histogram.double()
    pairs = correct.sum() * wrong.sum()
    if pairs == 0:
        return math.nan, math.nan
    correct_below = correct.cumsum(0) - correct
    area = (wrong * (correct_below + correct / 2)).sum() / pairs
    return float(area), float((wrong * correct).sum() / 2 / pairs)


def binned_average_precision(histogram: Tensor) -> float:
    """Average precision (the area under the precision-recall curve as
    ``average_precision_score`` steps it) of detecting wrong pixels by
    uncertainty, one threshold per bin: exact for the binned uncertainties.

    Args:
        histogram (Tensor): (2, B) counts of correct and wrong pixels per
            bin, from :func:`dense_histogram`.

    Returns:
        float: A fraction; NaN if no pixel is wrong.
    """
    correct, wrong = histogram.double()
    if wrong.sum() == 0:
        return math.nan
    # Flagging the pixels in bin b and above, from the top bin down.
    true_pos = wrong.flip(0).cumsum(0)
    flagged = true_pos + correct.flip(0).cumsum(0)
    recall_step = wrong.flip(0) / wrong.sum()
    precision = true_pos / flagged.clamp_min(1)
    return float((recall_step * precision).sum())


def summarize(total: Dict[str, Tensor]) -> Dict[str, float]:
    """Fractions and means of :func:`total_statistics`' sums.

    Returns:
        dict[str, float]: ``ECE``, ``NLL`` (nats), ``Brier``, and per
        binned uncertainty ``<name>`` (``entropy``, ``MI``):
        ``AUROC.<name>``, ``AUPR.<name>`` and ``AUROC.<name>.bound`` (the
        binning error bound of :func:`binned_auroc`), rates as fractions;
        all NaN without pixels.
    """
    pixels = float(total['pixels'])
    summary = dict(
        ECE=expected_calibration_error(total['count'], total['confidence'],
                                       total['correct']),
        NLL=float(total['nll']) / pixels if pixels else math.nan,
        Brier=float(total['brier']) / pixels if pixels else math.nan)
    for key, name in UNCERTAINTIES.items():
        if key in total:
            auroc, bound = binned_auroc(total[key])
            summary[f'AUROC.{name}'] = auroc
            summary[f'AUPR.{name}'] = binned_average_precision(total[key])
            summary[f'AUROC.{name}.bound'] = bound
    return summary
