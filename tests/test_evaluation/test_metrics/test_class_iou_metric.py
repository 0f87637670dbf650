"""ClassIoUMetric: IoUMetric's means plus each class's IoU."""
import math
import warnings

import torch
from mmengine.structures import PixelData

from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample
from segnet_mm.evaluation import ClassIoUMetric

CLASSES = ('a', 'b', 'c', 'd')


def sample(pred, gt):
    s = SegDataSample()
    s.pred_sem_seg = PixelData(data=torch.tensor(pred)[None])
    s.gt_sem_seg = PixelData(data=torch.tensor(gt)[None])
    return s.to_dict()


def evaluate(metric):
    metric.dataset_meta = dict(classes=CLASSES)
    metric.process([], [
        sample([[0, 0, 1], [1, 2, 2]], [[0, 1, 1], [1, 2, 255]]),
        sample([[0, 0, 0], [2, 2, 2]], [[0, 0, 255], [2, 2, 1]]),
    ])
    return metric.compute_metrics(metric.results)


def test_per_class_iou_and_the_means():
    metrics = evaluate(ClassIoUMetric())
    # Void (255) pixels count for neither map. a: predicted 4, labelled 3,
    # overlap 3 -> 3/4; b: 2, 4, 2 -> 2/4; c: 4, 3, 3 -> 3/4; d: absent.
    assert metrics['IoU.a'] == 75.0
    assert metrics['IoU.b'] == 50.0
    assert metrics['IoU.c'] == 75.0
    assert math.isnan(metrics['IoU.d'])
    reference = evaluate(IoUMetric())
    assert {k: metrics[k] for k in reference} == reference


def test_per_class_iou_in_percent_to_two_decimals_without_warnings():
    metric = ClassIoUMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    # a: predicted 3, labelled 1, overlap 1 -> 1/3; b: labelled only;
    # c and d in neither map (0 / 0, no warning for them).
    metric.process([], [sample([[0, 0, 0]], [[0, 1, 1]])])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        metrics = metric.compute_metrics(metric.results)
    assert metrics['IoU.a'] == 33.33
    assert metrics['IoU.b'] == 0.0
    assert math.isnan(metrics['IoU.c']) and math.isnan(metrics['IoU.d'])
