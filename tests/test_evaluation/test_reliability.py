"""Reliability sums: CalibrationMetric's bins summed by hand, with and
without a temperature."""
import math

import pytest
import torch
from mmengine.structures import PixelData

from mmseg.structures import SegDataSample
from segnet_mm.evaluation.reliability import (Setting, calibration_metric,
                                              metric_reliability)

META = dict(classes=('a', 'b'), palette=[[0, 0, 0], [255, 255, 255]])


def two_class_sample(probs, labels, mc_samples=None):
    """A data sample whose softmax of ``seg_logits`` is ``probs`` of class
    0, shape (1, n), with labels (1, n)."""
    p = torch.tensor(probs, dtype=torch.float64)
    logits = torch.stack([p.log(), (1 - p).log()]).float()[:, None]
    sample = SegDataSample(
        seg_logits=PixelData(data=logits),
        pred_sem_seg=PixelData(data=logits.argmax(0)),
        gt_sem_seg=PixelData(data=torch.tensor([labels])))
    if mc_samples is not None:
        sample.set_metainfo(dict(mc_samples=mc_samples))
    return sample


# Confidence 0.9 (class 0): bin 13 = (13/15, 14/15]; 0.7 for class 1
# (p0 = 0.3): bin 10 = (10/15, 11/15]; the void pixel (255) is left out.
PROBS = [[0.9, 0.9, 0.9, 0.3, 0.3, 0.9]]
LABELS = [[0, 0, 1, 1, 0, 255]]


def reliability_of(samples, setting):
    metric = calibration_metric(setting, META)
    metric.process({}, [s.to_dict() for s in samples])
    return metric_reliability(metric)


def test_metric_reliability_sums_calibration_metric_bins():
    samples = [two_class_sample(PROBS[0][:3], LABELS[0][:3]),
               two_class_sample(PROBS[0][3:], LABELS[0][3:])]
    rel = reliability_of(samples, Setting('T = 1', 1))
    filled = {m: n for m, n in enumerate(rel.count) if n}
    assert filled == {13: 3, 10: 2}
    assert rel.images == 2
    assert rel.correct[13] == 2 and rel.correct[10] == 1
    assert rel.confidence[13] == pytest.approx(2.7, abs=1e-6)
    assert rel.confidence[10] == pytest.approx(1.4, abs=1e-6)
    assert rel.accuracy[13] == pytest.approx(2 / 3)
    assert rel.accuracy[10] == pytest.approx(0.5)
    assert rel.mean_confidence[13] == pytest.approx(0.9, abs=1e-6)
    assert math.isnan(rel.accuracy[0]) and math.isnan(rel.mean_confidence[0])
    # (|2 - 2.7| + |1 - 1.4|) / 5
    assert rel.ece == pytest.approx(0.22, abs=1e-6)


def test_metric_reliability_applies_the_temperature():
    sample = two_class_sample(PROBS[0], LABELS[0])
    rel = reliability_of([sample], Setting('T = 2', 1, 2.0))
    # softmax(log p / 2): 0.9 -> 3 / (3 + 1) = 0.75 (bin 11), 0.7 ->
    # sqrt(7) / (sqrt(7) + sqrt(3)) = 0.6044 (bin 9).
    low = math.sqrt(7) / (math.sqrt(7) + math.sqrt(3))
    assert {m: n for m, n in enumerate(rel.count) if n} == {11: 3, 9: 2}
    assert rel.confidence[11] == pytest.approx(3 * 0.75, abs=1e-6)
    assert rel.confidence[9] == pytest.approx(2 * low, abs=1e-6)
    assert rel.correct[11] == 2 and rel.correct[9] == 1
    assert rel.ece == pytest.approx(
        (abs(2 - 2.25) + abs(1 - 2 * low)) / 5, abs=1e-6)


def test_metric_reliability_refuses_a_temperature_of_other_samples():
    sample = two_class_sample(PROBS[0], LABELS[0], mc_samples=8)
    with pytest.raises(ValueError, match='fitted at mc_samples=1'):
        reliability_of([sample], Setting('T', 1, 1.3))
    rel = reliability_of([sample], Setting('MC', 8, 1.3))
    assert rel.count.sum() == 5
