"""Boundary F1 (BF) score of Csurka et al., BMVC 2013, as reported by SegNet.

A class's boundary in a label map is the set of its pixels that have a
4-neighbour holding another *valid* label: neither the image border nor a
neighbour with ``ignore_index`` makes a boundary, so void regions count for
nothing in either map. Predictions at ignored ground-truth pixels are
ignored too.
"""
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from prettytable import PrettyTable
from scipy import ndimage

from mmseg.registry import METRICS
from .percent import percent


def label_boundaries(label: np.ndarray, ignore_index: int) -> np.ndarray:
    """Pixels with a 4-neighbour of another valid label.

    Args:
        label (np.ndarray): Label map, (H, W).
        ignore_index (int): Label of pixels that are no one's neighbour.

    Returns:
        np.ndarray: bool, (H, W); True on the boundary of the pixel's own
        class. Ignored pixels are never on a boundary.
    """
    valid = label != ignore_index
    boundary = np.zeros(label.shape, dtype=bool)
    for axis in (0, 1):
        first = [slice(None)] * 2
        second = [slice(None)] * 2
        first[axis], second[axis] = slice(None, -1), slice(1, None)
        first, second = tuple(first), tuple(second)
        edge = (label[first] != label[second]) & valid[first] & valid[second]
        boundary[first] |= edge
        boundary[second] |= edge
    return boundary


def _within(source: np.ndarray, target: np.ndarray, theta: float) -> int:
    """How many ``source`` pixels lie within ``theta`` of a ``target``
    pixel (Euclidean, inclusive). Both masks are non-empty."""
    rows, cols = np.nonzero(source | target)
    box = np.s_[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    # Every target pixel lies in the box, so distances inside it are exact.
    distance = ndimage.distance_transform_edt(~target[box])
    return int(np.count_nonzero(distance[source[box]] <= theta))


def boundary_f1(pred: np.ndarray,
                gt: np.ndarray,
                num_classes: int,
                tolerance: float = 0.0075,
                ignore_index: int = 255) -> np.ndarray:
    """Per-class boundary F1 of one image.

    Precision is the fraction of the predicted boundary of class c that lies
    within ``theta = tolerance * sqrt(H**2 + W**2)`` pixels of the
    ground-truth boundary of c; recall the fraction of the ground-truth
    boundary within ``theta`` of the predicted one; F1 their harmonic mean.

    Args:
        pred (np.ndarray): Predicted labels, (H, W).
        gt (np.ndarray): Ground-truth labels, (H, W), may hold
            ``ignore_index``.
        num_classes (int): K; labels are 0..K-1.
        tolerance (float): Distance tolerance as a fraction of the image
            diagonal. Default: 0.0075 (Csurka et al., SegNet).
        ignore_index (int): Ground-truth label to ignore. Default: 255.

    Returns:
        np.ndarray: float64, (K, ). NaN where class c is in neither map
        (after ignoring); 0 where it is in only one of them; 1 where both
        hold c without a boundary.
    """
    if pred.shape != gt.shape:
        raise ValueError(f'pred shape {pred.shape} != gt shape {gt.shape}')
    bad = np.setdiff1d(gt, [*range(num_classes), ignore_index])
    if bad.size:
        raise ValueError(f'gt holds labels {bad.tolist()} outside '
                         f'0..{num_classes - 1} and ignore_index '
                         f'{ignore_index}')
    pred = np.where(gt == ignore_index, ignore_index, pred)
    theta = tolerance * float(np.hypot(*gt.shape))
    pred_edges = label_boundaries(pred, ignore_index)
    gt_edges = label_boundaries(gt, ignore_index)
    scores = np.full(num_classes, np.nan)
    for c in range(num_classes):
        in_pred, in_gt = pred == c, gt == c
        if not (in_pred.any() or in_gt.any()):
            continue
        pb, gb = pred_edges & in_pred, gt_edges & in_gt
        if not (in_pred.any() and in_gt.any()) or pb.any() != gb.any():
            scores[c] = 0.
        elif not pb.any():
            scores[c] = 1.
        else:
            precision = _within(pb, gb, theta) / np.count_nonzero(pb)
            recall = _within(gb, pb, theta) / np.count_nonzero(gb)
            total = precision + recall
            scores[c] = 2 * precision * recall / total if total else 0.
    return scores


@METRICS.register_module()
class BFScoreMetric(BaseMetric):
    """Boundary F1 score (`Csurka et al. 2013
    <https://doi.org/10.5244/C.27.32>`_), SegNet's fourth metric beside
    global accuracy, class accuracy and mIoU.

    For each image and class, :func:`boundary_f1` scores the predicted
    boundary against the ground truth one within a tolerance of
    ``tolerance`` times the image diagonal (0.75%: 4.5 px at 360x480). Two
    averages are reported, in percent like ``IoUMetric``:

    - ``BFScore.<class>``: mean over the images where the class is in the
      ground truth *or* the prediction (a class predicted where it is absent
      scores 0 there, so false positives count); ``mBFScore`` is the mean of
      these over classes, as mIoU is of IoU.
    - ``iBFScore``: the SegNet paper's BF: per image, the mean over the
      classes in its ground truth; then the mean over images.

    Use it beside ``IoUMetric``:
    ``val_evaluator = [dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='BFScoreMetric')]``.

    Args:
        tolerance (float): Distance tolerance as a fraction of the image
            diagonal. Default: 0.0075.
        ignore_index (int): Ground-truth label to ignore. Default: 255.
        collect_device (str): 'cpu' or 'gpu', where results are gathered in
            distributed runs. Default: 'cpu'.
        prefix (str, optional): Prefix of the metric names, e.g. 'val'.
            Default: None.
    """

    def __init__(self,
                 tolerance: float = 0.0075,
                 ignore_index: int = 255,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not tolerance >= 0:
            raise ValueError(f'tolerance must be >= 0, got {tolerance!r}')
        self.tolerance = tolerance
        self.ignore_index = ignore_index

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Score each sample's ``pred_sem_seg`` against its ``gt_sem_seg``.

        Appends, per image, the (K, ) boundary F1 and the (K, ) mask of
        classes in the ground truth.
        """
        num_classes = len(self.dataset_meta['classes'])
        for data_sample in data_samples:
            pred = data_sample['pred_sem_seg']['data'].squeeze(0)
            gt = data_sample['gt_sem_seg']['data'].squeeze(0)
            pred, gt = pred.cpu().numpy(), gt.cpu().numpy()
            in_gt = np.bincount(
                gt[gt != self.ignore_index].ravel().astype(np.int64),
                minlength=num_classes)[:num_classes] > 0
            self.results.append(
                (boundary_f1(pred, gt, num_classes, self.tolerance,
                             self.ignore_index), in_gt))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Average the per-image scores.

        Returns:
            dict[str, float]: ``mBFScore``, ``iBFScore`` and
            ``BFScore.<class>`` per class, in percent (NaN for a class seen
            in no image).
        """
        scores = np.stack([r[0] for r in results])  # (images, K)
        in_gt = np.stack([r[1] for r in results])
        seen = ~np.isnan(scores)
        per_class = np.divide(
            np.where(seen, scores, 0.).sum(0),
            seen.sum(0),
            out=np.full(scores.shape[1], np.nan),
            where=seen.any(0))
        gt_scores = np.where(in_gt, scores, 0.).sum(1)
        has_gt = in_gt.any(1)
        per_image = gt_scores[has_gt] / in_gt[has_gt].sum(1)

        classes = self.dataset_meta['classes']
        table = PrettyTable(field_names=['Class', 'BFScore'])
        for name, value in zip(classes, per_class):
            table.add_row([name, np.round(value * 100, 2)])
        print_log('per class BF score:\n' + table.get_string(),
                  logger='current')

        metrics = OrderedDict(
            mBFScore=percent(np.nanmean(per_class)),
            iBFScore=percent(per_image.mean()))
        for name, value in zip(classes, per_class):
            metrics[f'BFScore.{name}'] = percent(value)
        return metrics
