from .bf_score import BFScoreMetric
from .class_iou_metric import ClassIoUMetric

__all__ = ['BFScoreMetric', 'ClassIoUMetric']
