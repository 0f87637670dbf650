"""Reliability of predictions: ``CalibrationMetric``'s per-bin sums over
some images and their ECE, for a way of testing a checkpoint (a number of
MC dropout samples, a temperature).

The bins are ``CalibrationMetric``'s (:mod:`.metrics.calibration_stats`):
top-label confidence in ``num_bins`` equal-width bins ``(m / M, (m + 1) /
M]``, and the ECE is its ``expected_calibration_error`` of the same sums,
so a reliability diagram's title is what ``tools/test.py`` reports on the
same images.
"""
from typing import NamedTuple

import numpy as np

from .metrics.calibration_metric import CalibrationMetric
from .metrics.calibration_stats import (NUM_BINS, expected_calibration_error,
                                        total_statistics)


class Setting(NamedTuple):
    """One way of testing a checkpoint.

    Attributes:
        label (str): Panel title, e.g. 'weight averaging'.
        mc_samples (int): Dropout samples per image; 0 or 1 is one
            deterministic pass with dropout off (weight averaging).
        temperature (float): T dividing the logits, fitted at
            ``mc_samples`` (``tools/analysis_tools/fit_temperature.py``).
            Default: 1.0.
    """
    label: str
    mc_samples: int
    temperature: float = 1.0


class Reliability(NamedTuple):
    """Per-bin sums of :func:`~segnet_mm.evaluation.metrics.calibration_stats.
    pixel_statistics` over some images, float64, (num_bins, ).

    Attributes:
        count (np.ndarray): Pixels per confidence bin.
        confidence (np.ndarray): Sum of their top-label confidences.
        correct (np.ndarray): How many of them are predicted right.
        ece (float): Top-label ECE of these sums, a fraction.
        images (int): Images summed.
    """
    count: np.ndarray
    confidence: np.ndarray
    correct: np.ndarray
    ece: float
    images: int

    @property
    def accuracy(self) -> np.ndarray:
        """Accuracy per bin, NaN in empty bins, (num_bins, )."""
        return _mean(self.correct, self.count)

    @property
    def mean_confidence(self) -> np.ndarray:
        """Mean confidence per bin, NaN in empty bins, (num_bins, )."""
        return _mean(self.confidence, self.count)


def _mean(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    out = np.full(count.shape, np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def calibration_metric(setting: Setting,
                       dataset_meta: dict,
                       ignore_index: int = 255,
                       num_bins: int = NUM_BINS) -> CalibrationMetric:
    """A ``CalibrationMetric`` scoring predictions as ``setting`` says:
    its ``temperature``, fitted at its ``mc_samples``."""
    metric = CalibrationMetric(
        temperature=setting.temperature,
        mc_samples=max(setting.mc_samples, 1),
        ignore_index=ignore_index,
        num_bins=num_bins,
        prefix='reliability')
    metric.dataset_meta = dataset_meta
    return metric


def metric_reliability(metric: CalibrationMetric) -> Reliability:
    """The per-bin sums of the images ``metric`` has processed."""
    total = total_statistics(metric.results, metric.num_bins,
                             metric.num_uncertainty_bins)
    return Reliability(
        count=total['count'].numpy(),
        confidence=total['confidence'].numpy(),
        correct=total['correct'].numpy(),
        ece=expected_calibration_error(total['count'], total['confidence'],
                                       total['correct']),
        images=len(metric.results))
