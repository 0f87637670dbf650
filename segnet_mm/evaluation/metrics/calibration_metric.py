"""``CalibrationMetric``: calibration of a segmentor's softmax and how well
its per-pixel uncertainties find the misclassified pixels, from the
statistics of :mod:`.calibration_stats`."""
import logging
import math
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from prettytable import PrettyTable
from torch import Tensor

from mmseg.registry import METRICS
from .calibration_stats import (NUM_BINS, NUM_UNCERTAINTY_BINS,
                                UNCERTAINTIES, pixel_statistics, summarize,
                                total_statistics)
from .percent import percent


@METRICS.register_module()
class CalibrationMetric(BaseMetric):
    """Calibration and misclassification detection of a segmentor's
    softmax, over the non-void pixels of the whole test set.

    Probabilities are ``softmax(seg_logits / temperature)``: the
    ``seg_logits`` of mmseg's ``EncoderDecoder`` (at the original image
    size), which for :class:`MCDropoutEncoderDecoder` are the log of the
    mean softmax of its ``mc_samples`` dropout samples. ``temperature`` is
    the scale fitted on val by ``tools/analysis_tools/fit_temperature.py``
    (`Guo et al. 2017 <https://arxiv.org/abs/1706.04599>`_); 1 leaves the
    logits as they are. Dividing the log of a mean softmax is not the same
    scaling for another number of samples, so a T is only used on
    predictions from the ``mc_samples`` it was fitted at.

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

    Without any valid pixel (every label ``ignore_index``, or no sample)
    all results are NaN, as ``IoUMetric``'s for a class without pixels,
    and a warning says why.

    Each image's statistics are kept, as ``IoUMetric`` keeps its areas, so
    that mmengine's ``collect_results`` drops the images a distributed
    sampler pads the last batch with; :meth:`compute_metrics` adds them
    up. They are small: each uncertainty goes into a histogram of
    ``num_uncertainty_bins`` equal-width bins over [0, log K] per
    correct/wrong pixel, of which only the occupied bins are kept, on the
    CPU: per uncertainty at most 8 bytes a pixel and 160 KB an image at
    10,000 bins. AUROC and AUPR are exact for the binned values, pixels in
    one bin counting as tied. The AUROC's binning error is at most half the
    fraction of (wrong, correct) pixel pairs that share a bin; it is logged
    beside the AUROC. AUPR has no such bound.

    Test-time augmentation is refused: mmseg's ``SegTTAModel`` predicts
    from the mean softmax of the views but keeps only the last view's
    ``seg_logits``, which would be scored as if they were the prediction.
    A sample is taken for a view if ``RandomFlip`` ran on it (its metainfo
    has ``flip``) or its ``pred_sem_seg`` is not an argmax of its
    ``seg_logits``.

    Use it beside ``IoUMetric``: ``test_evaluator = [dict(type='IoUMetric',
    iou_metrics=['mIoU']), dict(type='CalibrationMetric')]``; with a T
    fitted at ``mc_samples`` S, ``--cfg-options
    test_evaluator.1.temperature=T test_evaluator.1.mc_samples=S``.

    Args:
        temperature (float): T > 0 dividing the logits. Default: 1.0.
        mc_samples (int): Dropout samples per image of the predictions
            ``temperature`` was fitted on, 1 for a deterministic one, as
            ``tools/analysis_tools/fit_temperature.py`` reports it. With
            T != 1 every data sample must come from as many. Default: 1.
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
                 mc_samples: int = 1,
                 ignore_index: int = 255,
                 num_bins: int = NUM_BINS,
                 num_uncertainty_bins: int = NUM_UNCERTAINTY_BINS,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not (isinstance(temperature, (int, float))
                and 0 < temperature < math.inf):
            raise ValueError('temperature must be a number > 0, got '
                             f'{temperature!r}')
        for name, value in (('mc_samples', mc_samples),
                            ('num_bins', num_bins),
                            ('num_uncertainty_bins', num_uncertainty_bins)):
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got '
                                 f'{value!r}')
        self.temperature = float(temperature)
        self.mc_samples = mc_samples
        self.ignore_index = ignore_index
        self.num_bins = num_bins
        self.num_uncertainty_bins = num_uncertainty_bins

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each sample's statistics (:func:`pixel_statistics`), on the
        CPU.

        Raises:
            ValueError: if a sample has no ``seg_logits``, comes from
                test-time augmentation, comes from another number of MC
                dropout samples than ``temperature`` was fitted at, its
                logits' shape does not match ``gt_sem_seg``'s or the number
                of classes, or the labels hold a value outside 0..K-1 and
                ``ignore_index``.
        """
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            logits, labels, extra = self._valid_pixels(data_sample,
                                                       num_classes)
            self._check_prediction(data_sample)
            stats = pixel_statistics(logits, labels, self.temperature,
                                     self.num_bins,
                                     self.num_uncertainty_bins, extra)
            self.results.append({k: v.cpu() for k, v in stats.items()})

    def _check_prediction(self, data_sample: dict) -> None:
        """Refuse ``seg_logits`` that are not the prediction's (test-time
        augmentation), or that ``temperature`` was not fitted for."""
        tta = ('CalibrationMetric cannot score test-time augmentation: '
               'mmseg\'s SegTTAModel predicts from the mean softmax of the '
               'views but keeps only the last view\'s seg_logits, so one '
               'view would be scored; test without TTA')
        if 'flip' in data_sample:
            raise ValueError(f'{tta} (this sample went through RandomFlip, '
                             f'flip={data_sample["flip"]})')
        logits = data_sample['seg_logits']['data']
        if 'pred_sem_seg' in data_sample:
            pred = data_sample['pred_sem_seg']['data'].reshape(
                1, *logits.shape[1:]).to(logits.device).long()
            below = logits.gather(0, pred) < logits.max(dim=0).values
            if below.any():
                raise ValueError(
                    f'{tta} (pred_sem_seg is not the argmax of seg_logits at '
                    f'{int(below.sum())} pixels)')
        samples = data_sample.get('mc_samples', 1)
        if self.temperature != 1 and samples != self.mc_samples:
            raise ValueError(
                f'CalibrationMetric: temperature {self.temperature:g} was '
                f'fitted at mc_samples={self.mc_samples}, but this sample\'s '
                f'seg_logits come from mc_samples={samples}; T divides the '
                'log of the mean softmax of the samples, which changes with '
                'their number: fit T again at this mc_samples '
                '(tools/analysis_tools/fit_temperature.py) or test at the '
                'fitted one')

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
                'EncoderDecoder or MCDropoutEncoderDecoder')
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
        """Add up the images' statistics and log the tables.

        Returns:
            dict[str, float]: ``ECE`` (%), ``NLL`` (nats), ``Brier``, and
            ``AUROC.entropy``, ``AUPR.entropy`` (%), with ``AUROC.MI`` and
            ``AUPR.MI`` (%) if the samples carry ``mutual_information``;
            NaN without valid pixels.
        """
        total = total_statistics(results, self.num_bins,
                                 self.num_uncertainty_bins)
        if total['pixels'] == 0:
            print_log(
                f'CalibrationMetric: no valid pixel in {len(results)} '
                'images (every gt_sem_seg label is ignore_index '
                f'{self.ignore_index}): every result is NaN',
                logger='current',
                level=logging.WARNING)
        summary = summarize(total)

        table = PrettyTable(field_names=['ECE (%)', 'NLL', 'Brier', 'T'])
        table.add_row([
            percent(summary['ECE']),
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
                percent(summary[f'AUROC.{name}']),
                percent(summary[f'AUPR.{name}']),
                _rounded(summary[f'AUROC.{name}.bound'] * 100)
            ])
        print_log(
            'misclassified pixels found by uncertainty:\n' +
            table.get_string(),
            logger='current')

        metrics = OrderedDict(
            ECE=percent(summary['ECE']),
            NLL=_rounded(summary['NLL']),
            Brier=_rounded(summary['Brier']))
        for name in names:
            metrics[f'AUROC.{name}'] = percent(summary[f'AUROC.{name}'])
            metrics[f'AUPR.{name}'] = percent(summary[f'AUPR.{name}'])
        return metrics


def _rounded(value: float) -> float:
    return float(round(value, 4))
