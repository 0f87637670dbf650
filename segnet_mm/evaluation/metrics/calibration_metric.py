"""Calibration of the softmax (ECE, NLL, Brier score) and how well a
per-pixel uncertainty finds the misclassified pixels (AUROC, AUPR), streamed
over a test set in histograms of fixed size.

Why our own histograms: torchmetrics 1.9's ``MulticlassCalibrationError``
keeps every pixel's confidence and correctness (measured: 8 bytes a pixel,
8 MB after 1M pixels, so 320 MB for CamVid test and 8 GB for Cityscapes
val), and ``BinaryAUROC(thresholds=10000)``, fixed in memory, compares each
pixel with every threshold (28.9 s per 100k pixels on 2 CPU cores, against
0.12 s for all our statistics); on that fixture they agree with ours to
2e-6 (ECE) and 1e-6 (AUROC). torch-uncertainty's ``CalibrationError``
wraps those torchmetrics classes; netcal measures whole numpy arrays.
"""
import math
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from prettytable import PrettyTable
from torch import Tensor

from mmseg.registry import METRICS

# Per-pixel uncertainties whose misclassification ranking is reported, by
# the short name of their results keys.
UNCERTAINTIES = OrderedDict(entropy='entropy', mutual_information='MI')


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


def uncertainty_histogram(uncertainty: Tensor, wrong: Tensor,
                          max_value: float, num_bins: int) -> Tensor:
    """Counts of correct and of misclassified pixels per uncertainty bin.

    Args:
        uncertainty (Tensor): Per-pixel uncertainty, (N, ); values outside
            [0, max_value] are clamped into the first or last bin.
        wrong (Tensor): bool, (N, ), True where the prediction is wrong.
        max_value (float): Upper end of the binned range [0, max_value].
        num_bins (int): Number of equal-width bins.

    Returns:
        Tensor: float64, (2, num_bins): row 0 counts the correct pixels,
        row 1 the wrong ones; bin b holds
        ``[b, b + 1) * max_value / num_bins``, the last one is closed.
    """
    index = (uncertainty.float() * (num_bins / max_value)).floor().long()
    index = index.clamp_(0, num_bins - 1) + wrong.long() * num_bins
    return bin_sums(index, 2 * num_bins).view(2, num_bins)


def pixel_statistics(logits: Tensor,
                     labels: Tensor,
                     temperature: float = 1.0,
                     num_bins: int = 15,
                     num_uncertainty_bins: int = 10000,
                     mutual_information: Optional[Tensor] = None
                     ) -> Dict[str, Tensor]:
    """Sufficient statistics of ECE, NLL, Brier score, AUROC and AUPR of
    some pixels; those of several sets of pixels add up.

    Computed in float32 on ``logits``' device; sums are float64.

    Args:
        logits (Tensor): Valid pixels' logits, (N, K).
        labels (Tensor): Their labels in [0, K), int64, (N, ).
        temperature (float): Probabilities are
            ``softmax(logits / temperature)``. Default: 1.0.
        num_bins (int): Equal-width confidence bins of the ECE; bin m
            holds confidences in ``(m / num_bins, (m + 1) / num_bins]``.
            Default: 15.
        num_uncertainty_bins (int): Equal-width bins of each uncertainty
            over [0, log K]. Default: 10000.
        mutual_information (Tensor, optional): The pixels' mutual
            information, (N, ), binned beside the predictive entropy.
            Default: None.

    Returns:
        dict[str, Tensor]: float64 ``pixels``, ``nll`` and ``brier`` sums
        (scalars); ``count``, ``confidence`` and ``correct`` per confidence
        bin, (num_bins, ); ``entropy`` (and ``mutual_information``)
        histograms of :func:`uncertainty_histogram`, (2, num_bins).
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
    conf_bin = (confidence * num_bins).ceil().long().clamp_(1, num_bins) - 1

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


def expected_calibration_error(count: Tensor, confidence: Tensor,
                               correct: Tensor) -> float:
    """Top-label ECE (`Guo et al. 2017 <https://arxiv.org/abs/1706.04599>`_)
    from per-bin pixel counts and sums of confidence and of correctness:
    ``sum_m |correct_m - confidence_m| / sum_m count_m``, a fraction."""
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
            bin, from :func:`uncertainty_histogram`.

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
            bin, from :func:`uncertainty_histogram`.

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


def summarize(stats: Dict[str, Tensor]) -> Dict[str, float]:
    """Fractions and means of :func:`pixel_statistics`' sums.

    Returns:
        dict[str, float]: ``ECE``, ``NLL`` (nats), ``Brier``, and per
        binned uncertainty ``<name>`` (``entropy``, ``MI``):
        ``AUROC.<name>``, ``AUPR.<name>`` and ``AUROC.<name>.bound`` (the
        binning error bound of :func:`binned_auroc`), rates as fractions.
    """
    pixels = float(stats['pixels'])
    summary = dict(
        ECE=expected_calibration_error(stats['count'], stats['confidence'],
                                       stats['correct']),
        NLL=float(stats['nll']) / pixels,
        Brier=float(stats['brier']) / pixels)
    for key, name in UNCERTAINTIES.items():
        if key in stats:
            auroc, bound = binned_auroc(stats[key])
            summary[f'AUROC.{name}'] = auroc
            summary[f'AUPR.{name}'] = binned_average_precision(stats[key])
            summary[f'AUROC.{name}.bound'] = bound
    return summary


def add_statistics(total: Dict[str, Tensor],
                   stats: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """Add ``stats`` into ``total`` in place and return it.

    Raises:
        ValueError: if the two bin different uncertainties (some samples
            carry ``mutual_information`` and some do not).
    """
    if total.keys() != stats.keys():
        raise ValueError(
            'CalibrationMetric: some data samples carry mutual_information '
            'and some do not (binned: '
            f'{sorted(set(total) & set(UNCERTAINTIES))} vs '
            f'{sorted(set(stats) & set(UNCERTAINTIES))})')
    for key, value in stats.items():
        total[key] += value.to(total[key].device)
    return total


@METRICS.register_module()
class CalibrationMetric(BaseMetric):
    """Calibration and misclassification detection of a segmentor's
    softmax, over the non-void pixels of the whole test set.

    Probabilities are ``softmax(seg_logits / temperature)``: the
    ``seg_logits`` of mmseg's ``EncoderDecoder`` (at the original image
    size), whose softmax for :class:`MCDropoutEncoderDecoder` is the mean
    of its ``mc_samples`` dropout samples. ``temperature`` is the scale
    fitted on val by ``tools/fit_temperature.py`` (`Guo et al. 2017
    <https://arxiv.org/abs/1706.04599>`_); 1 leaves the logits as they
    are.

    Results, rates in percent as ``IoUMetric``'s:

    - ``ECE``: top-label expected calibration error over ``num_bins``
      equal-width confidence bins, %;
    - ``NLL``: mean of ``-log p_y``, nats;
    - ``Brier``: mean of ``sum_k (p_k - [k = y])^2``, in [0, 2];
    - ``AUROC.entropy`` and ``AUPR.entropy``: how well the predictive
      entropy of the probabilities ranks the misclassified pixels (the
      positives) above the correct ones, %; AUPR is average precision;
    - ``AUROC.MI`` and ``AUPR.MI``: the same for the
      ``mutual_information`` map of :class:`MCDropoutEncoderDecoder`
      (``mc_samples >= 2``), only when the samples carry it. It is the
      model's and does not change with ``temperature``.

    Memory does not grow with the test set: each uncertainty goes into a
    histogram of ``num_uncertainty_bins`` equal-width bins over [0, log K]
    per correct/wrong pixel, and AUROC and AUPR are exact for the binned
    values, pixels in one bin counting as tied. The AUROC's binning error
    is at most half the fraction of (wrong, correct) pixel pairs that
    share a bin; it is logged beside the AUROC (4M pixels with labels drawn
    from an 11-class softmax, 35% wrong, 10,000 bins: bound 0.006 points,
    error under 1e-6 points). AUPR has no such bound; it was 0.003 points
    off there.

    Use it beside ``IoUMetric``: ``test_evaluator = [dict(type='IoUMetric',
    iou_metrics=['mIoU']), dict(type='CalibrationMetric')]``; with a fitted
    T, ``--cfg-options test_evaluator.1.temperature=T``.

    Args:
        temperature (float): T > 0 dividing the logits. Default: 1.0.
        ignore_index (int): Ground-truth label to ignore. Default: 255.
        num_bins (int): Confidence bins of the ECE. Default: 15.
        num_uncertainty_bins (int): Bins of each uncertainty histogram.
            Default: 10000.
        collect_device (str): 'cpu' or 'gpu', where results are gathered in
            distributed runs. Default: 'cpu'.
        prefix (str, optional): Prefix of the metric names, e.g. 'val'.
            Default: None.
    """

    def __init__(self,
                 temperature: float = 1.0,
                 ignore_index: int = 255,
                 num_bins: int = 15,
                 num_uncertainty_bins: int = 10000,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not (isinstance(temperature, (int, float))
                and 0 < temperature < math.inf):
            raise ValueError('temperature must be a number > 0, got '
                             f'{temperature!r}')
        for name, value in (('num_bins', num_bins),
                            ('num_uncertainty_bins', num_uncertainty_bins)):
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got '
                                 f'{value!r}')
        self.temperature = float(temperature)
        self.ignore_index = ignore_index
        self.num_bins = num_bins
        self.num_uncertainty_bins = num_uncertainty_bins

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Add each sample's statistics to the running ones.

        ``self.results`` holds one dict of sums, not one entry per sample,
        so its size is fixed; in distributed runs each rank's is gathered
        and :meth:`compute_metrics` adds them up.

        Raises:
            ValueError: if a sample has no ``seg_logits``, their shape does
                not match ``gt_sem_seg``'s or the number of classes, or the
                labels hold a value outside 0..K-1 and ``ignore_index``.
        """
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            logits, labels, extra = self._valid_pixels(data_sample,
                                                       num_classes)
            stats = pixel_statistics(logits, labels, self.temperature,
                                     self.num_bins,
                                     self.num_uncertainty_bins, extra)
            if self.results:
                add_statistics(self.results[0], stats)
            else:
                self.results.append(stats)

    def _valid_pixels(self, data_sample: dict, num_classes: int
                      ) -> Tuple[Tensor, Tensor, Optional[Tensor]]:
        """Logits (N, K), labels (N, ) and mutual information (N, ) or
        None of the sample's non-void pixels."""
        if 'seg_logits' not in data_sample:
            fields = sorted(
                k for k, v in data_sample.items() if isinstance(v, dict))
            raise ValueError(
                'CalibrationMetric needs seg_logits (K, H, W) in each data '
                f'sample, but its only data fields are {fields}: use a '
                'segmentor whose predict keeps them, e.g. mmseg\'s '
                'EncoderDecoder or MCDropoutEncoderDecoder (mmseg\'s '
                'SegTTAModel, i.e. tools/test.py --tta, drops them)')
        logits = data_sample['seg_logits']['data']
        gt = data_sample['gt_sem_seg']['data']
        if logits.dim() != 3 or logits.shape[0] != num_classes:
            raise ValueError(
                f'CalibrationMetric: seg_logits have shape '
                f'{tuple(logits.shape)}, not (K={num_classes}, H, W) for '
                f'the {num_classes} classes of dataset_meta')
        if gt.shape[-2:] != logits.shape[1:] or \
                gt.numel() != logits[0].numel():
            raise ValueError(
                f'CalibrationMetric: seg_logits {tuple(logits.shape)} and '
                f'gt_sem_seg {tuple(gt.shape)} differ in size; the logits '
                'must be at the label\'s size (EncoderDecoder resizes them '
                'to ori_shape)')
        labels = gt.reshape(logits.shape[1:]).to(logits.device).long()
        valid = labels != self.ignore_index
        bad = labels[valid & ((labels < 0) | (labels >= num_classes))]
        if bad.numel():
            raise ValueError(
                f'CalibrationMetric: gt_sem_seg holds labels '
                f'{bad.unique().tolist()} outside 0..{num_classes - 1} and '
                f'ignore_index {self.ignore_index}')
        extra = data_sample.get('mutual_information')
        if extra is not None:
            extra = extra['data'].reshape(labels.shape).to(
                logits.device)[valid]
        return logits.flatten(1).T[valid.flatten()], labels[valid], extra

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Add up the gathered sums and log the tables.

        Returns:
            dict[str, float]: ``ECE`` (%), ``NLL`` (nats), ``Brier``, and
            ``AUROC.entropy``, ``AUPR.entropy`` (%), with ``AUROC.MI`` and
            ``AUPR.MI`` (%) if the samples carry ``mutual_information``.
        """
        total = {k: v.clone() for k, v in results[0].items()}
        for stats in results[1:]:
            add_statistics(total, stats)
        summary = summarize(total)

        table = PrettyTable(field_names=['ECE (%)', 'NLL', 'Brier', 'T'])
        table.add_row([
            _percent(summary['ECE']),
            _rounded(summary['NLL']),
            _rounded(summary['Brier']), self.temperature
        ])
        print_log(
            f'calibration over {int(total["pixels"])} pixels:\n' +
            table.get_string(),
            logger='current')
        table = PrettyTable(field_names=[
            'uncertainty', 'AUROC (%)', 'AUPR (%)', 'AUROC binning error <='
        ])
        names = [n for k, n in UNCERTAINTIES.items() if k in total]
        for name in names:
            table.add_row([
                name,
                _percent(summary[f'AUROC.{name}']),
                _percent(summary[f'AUPR.{name}']),
                _rounded(summary[f'AUROC.{name}.bound'] * 100)
            ])
        print_log(
            'misclassified pixels found by uncertainty:\n' +
            table.get_string(),
            logger='current')

        metrics = OrderedDict(
            ECE=_percent(summary['ECE']),
            NLL=_rounded(summary['NLL']),
            Brier=_rounded(summary['Brier']))
        for name in names:
            metrics[f'AUROC.{name}'] = _percent(summary[f'AUROC.{name}'])
            metrics[f'AUPR.{name}'] = _percent(summary[f'AUPR.{name}'])
        return metrics


def _percent(value: float) -> float:
    return float(round(value * 100, 2))


def _rounded(value: float) -> float:
    return float(round(value, 4))
