"""BF score on hand-made masks whose answers are worked out by hand.

40x40 images: diagonal 56.57 px, so the default tolerance (0.75%) is
theta = 0.42 px: only pixels on the very same position match.
"""
import warnings

import numpy as np
import pytest
import torch
from mmengine.evaluator import Evaluator
from mmengine.structures import PixelData

from mmseg.registry import METRICS
from mmseg.structures import SegDataSample
from segnet_mm.evaluation import BFScoreMetric
from segnet_mm.evaluation.metrics.bf_score import (boundary_f1,
                                                   label_boundaries)

DIAGONAL = np.hypot(40, 40)


def square(top, left, size, label=1, shape=(40, 40)):
    """Background 0 with a ``size`` x ``size`` square of ``label``."""
    mask = np.zeros(shape, np.int64)
    mask[top:top + size, left:left + size] = label
    return mask


def sample(pred, gt):
    data_sample = SegDataSample()
    data_sample.pred_sem_seg = PixelData(data=torch.from_numpy(pred)[None])
    data_sample.gt_sem_seg = PixelData(data=torch.from_numpy(gt)[None])
    return data_sample


def test_bad_arguments():
    with pytest.raises(ValueError, match='tolerance'):
        BFScoreMetric(tolerance=-0.1)
    with pytest.raises(ValueError, match='shape'):
        boundary_f1(np.zeros((4, 4)), np.zeros((4, 5)), 2)
    with pytest.raises(ValueError, match=r'labels \[7\] outside 0..1'):
        boundary_f1(np.zeros((4, 4)), np.full((4, 4), 7), 2)
    assert BFScoreMetric(tolerance=0).tolerance == 0  # exact matches only


def test_boundaries_are_4_neighbours_of_other_valid_labels():
    label = np.array([[0, 0, 1],
                      [0, 0, 1],
                      [255, 255, 1]])
    assert label_boundaries(label, 255).tolist() == [
        [False, True, True],
        [False, True, True],
        [False, False, False],  # next to void only: no boundary
    ]


def test_perfect_match():
    gt = square(5, 8, 12)
    gt[30:, :] = 2
    assert boundary_f1(gt, gt, 4).tolist()[:3] == [1., 1., 1.]
    assert np.isnan(boundary_f1(gt, gt, 4)[3])  # in neither map


def test_square_shifted_beyond_tolerance_scores_zero():
    # theta = 3 px; the nearest boundary pixels of the two squares are
    # (14, 14) and (25, 25), 15.6 px apart; their backgrounds' boundaries
    # (15, 14) and (24, 25) are 14.2 px apart.
    scores = boundary_f1(
        square(25, 25, 10), square(5, 5, 10), 2, tolerance=3 / DIAGONAL)
    assert scores.tolist() == [0., 0.]


def test_square_shifted_by_one_pixel():
    # theta < 1: only coinciding boundary pixels match.
    # Square (class 1), 10x10 at rows/cols 10..19, predicted at cols 11..20.
    # Its boundary is the 36-pixel ring; the two rings share rows 10 and 19,
    # cols 11..19: 18 pixels. P = R = 18/36 -> F1 0.5.
    # Background (class 0): the 40 pixels 4-adjacent to the square; they
    # share rows 9 and 20, cols 11..19: 18 pixels. P = R = 18/40 -> F1 0.45.
    scores = boundary_f1(square(10, 11, 10), square(10, 10, 10), 2)
    assert scores == pytest.approx([0.45, 0.5])


def test_shrunk_square_within_tolerance():
    # theta = 2.1 px. GT square rows/cols 10..19, predicted 12..17.
    # Class 1: every predicted ring pixel is 2 px from the GT ring, P = 1;
    # of the 36 GT ring pixels, the 6 middle ones per side are within 2 px
    # (the next ones are sqrt(5) = 2.24 away): R = 24/36, F1 = 0.8.
    # Class 0: predicted boundary (24 pixels around the small square) all 2
    # px from the GT one, P = 1; of the 40 GT background-boundary pixels, 6
    # per side match: R = 24/40, F1 = 2 * 0.6 / 1.6 = 0.75.
    scores = boundary_f1(
        square(12, 12, 6), square(10, 10, 10), 2, tolerance=2.1 / DIAGONAL)
    assert scores == pytest.approx([0.75, 0.8])


def test_ignored_pixels_and_one_sided_classes():
    gt = np.zeros((40, 40), np.int64)
    gt[:, 20:] = 255
    pred = np.ones_like(gt)
    pred[:, :20] = 0  # class 1 only where gt is void: ignored
    # Class 0 fills the valid area in both: no boundary in either -> 1.
    assert boundary_f1(pred, gt, 3)[0] == 1.
    assert np.isnan(boundary_f1(pred, gt, 3)[1:]).all()
    # Class 2 predicted but absent from gt, and class 0 now with a predicted
    # boundary but none in gt: both 0.
    pred[5:10, 5:10] = 2
    assert boundary_f1(pred, gt, 3)[[0, 2]].tolist() == [0., 0.]
    # Class 2 in gt, not predicted: 0.
    assert boundary_f1(np.zeros_like(gt), square(5, 5, 5, 2), 3)[2] == 0.
    # Each class fills one map without a boundary, and is absent from the
    # other: 0, not the 1 of a boundary-free match.
    assert boundary_f1(np.ones((4, 4)), np.zeros((4, 4)), 2).tolist() == [
        0., 0.]


def test_metric_averages_beside_iou_metric():
    evaluator = Evaluator([
        dict(type='IoUMetric', iou_metrics=['mIoU']),
        dict(type='BFScoreMetric', prefix='val')
    ])
    evaluator.dataset_meta = dict(classes=('bg', 'square', 'blob'))
    assert isinstance(evaluator.metrics[1], BFScoreMetric)
    # Image 1: scores [0.45, 0.5, nan] (test above); gt classes {0, 1}.
    # Image 2: perfect match on {0, 1}, and a predicted class-2 blob absent
    #   from gt: class 2 scores 0, and class 0 (which borders the blob in
    #   the prediction only) keeps P = 40/60, R = 40/40 -> F1 0.8.
    pred2 = square(10, 10, 10)
    pred2[30:35, 30:35] = 2
    evaluator.process([
        sample(square(10, 11, 10), square(10, 10, 10)),
        sample(pred2, square(10, 10, 10))
    ])
    metrics = evaluator.evaluate(2)
    per_class = [(0.45 + 0.8) / 2, (0.5 + 1) / 2, 0.]
    assert metrics['val/BFScore.bg'] == pytest.approx(62.5)
    assert metrics['val/BFScore.square'] == pytest.approx(75.)
    assert metrics['val/BFScore.blob'] == 0.
    assert metrics['val/mBFScore'] == pytest.approx(
        round(100 * np.mean(per_class), 2))
    # SegNet's BF: per image the mean over gt classes, then over images.
    assert metrics['val/iBFScore'] == pytest.approx(
        100 * ((0.45 + 0.5) / 2 + (0.8 + 1) / 2) / 2)
    assert 'mIoU' in metrics


def test_registered():
    assert METRICS.get('BFScoreMetric') is BFScoreMetric


def test_tolerance_is_inclusive():
    # 3x4 image: diagonal 5 px. Labels split after column 1 in gt, after
    # column 2 in the prediction: each class's boundary is 1 px away.
    gt = np.array([[0, 0, 1, 1]] * 3)
    pred = np.array([[0, 0, 0, 1]] * 3)
    assert boundary_f1(pred, gt, 2, tolerance=1 / 5).tolist() == [1., 1.]
    assert boundary_f1(pred, gt, 2, tolerance=0.99 / 5).tolist() == [0., 0.]


def test_logs_the_per_class_table_and_keeps_unseen_classes_nan(monkeypatch):
    logged = []
    monkeypatch.setattr(
        'segnet_mm.evaluation.metrics.bf_score.print_log',
        lambda msg, logger=None, **kwargs: logged.append((msg, logger)))
    metric = BFScoreMetric(collect_device='gpu')
    assert metric.collect_device == 'gpu'
    metric.dataset_meta = dict(classes=('bg', 'square', 'never'))
    # Scores [0.45, 0.5] (the one-pixel shift above), then two perfect.
    perfect = square(10, 10, 10)
    metric.process({}, [
        sample(square(10, 11, 10), perfect).to_dict(),
        sample(perfect, perfect).to_dict(),
        sample(perfect, perfect).to_dict()
    ])
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no 0 / 0 for the unseen class
        metrics = metric.compute_metrics(metric.results)
    # In percent to 2 decimals: 2.45 / 3 and 2.5 / 3.
    assert metrics['BFScore.bg'] == 81.67
    assert metrics['BFScore.square'] == 83.33
    assert np.isnan(metrics['BFScore.never'])
    assert metrics['mBFScore'] == 82.5  # the mean leaves the NaN out
    [(message, logger)] = logged
    assert logger == 'current'
    lines = message.splitlines()
    assert lines[0] == 'per class BF score:'
    assert [cell.strip() for cell in lines[2].split('|')[1:-1]
            ] == ['Class', 'BFScore']
    rows = [[cell.strip() for cell in line.split('|')[1:-1]]
            for line in lines[4:-1]]
    assert rows == [['bg', '81.67'], ['square', '83.33'], ['never', 'nan']]


def test_ignore_index_and_one_pixel_classes():
    # Left half class 2, right half class 0 with one pixel of class 1 at
    # (10, 30); the prediction misses that pixel. Class 2: F1 1. Class 0:
    # P = 40/40, R = 40/44 (the split column of 40, plus the 4 ring
    # pixels around the missed one), F1 = 80/84. Class 1: 0. The image's
    # BF counts class 1 (in its ground truth, if by one pixel).
    gt = np.zeros((40, 40), np.int64)
    gt[:, :20] = 2
    pred = gt.copy()
    gt[10, 30] = 1
    gt[0, 0] = 255  # void: default ignore_index
    metric = BFScoreMetric()
    metric.dataset_meta = dict(classes=('a', 'b', 'c'))
    metric.process({}, [sample(pred, gt).to_dict()])
    metrics = metric.compute_metrics(metric.results)
    assert metrics['iBFScore'] == round(100 * (1 + 80 / 84) / 3, 2)
    # Another ignore_index is passed on to the per-image score.
    gt[0, 0] = 7
    metric = BFScoreMetric(ignore_index=7)
    metric.dataset_meta = dict(classes=('a', 'b', 'c'))
    metric.process({}, [sample(pred, gt).to_dict()])
    assert metric.compute_metrics(metric.results) == metrics
