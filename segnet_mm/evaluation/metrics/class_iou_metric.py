"""mmseg's ``IoUMetric`` whose results also hold each class's IoU."""
from typing import Dict, List

import numpy as np
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class ClassIoUMetric(IoUMetric):
    """``IoUMetric`` that also returns ``IoU.<class>`` for every class.

    mmseg prints the per-class table to the log but returns only the
    means; this keeps the per-class values in the results (and so in
    mmengine's JSON log of a test run), in percent like the means. A class
    with no pixel in either the ground truth or the prediction gets NaN.
    Arguments are ``IoUMetric``'s.
    """

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        intersect = sum(r[0] for r in results).numpy()
        union = sum(r[1] for r in results).numpy()
        with np.errstate(divide='ignore', invalid='ignore'):
            iou = intersect.astype(np.float64) / union * 100
        for name, value in zip(self.dataset_meta['classes'], iou):
            metrics[f'IoU.{name}'] = float(np.round(value, 2))
        return metrics
