from .bf_score import BFScoreMetric
from .calibration_metric import CalibrationMetric
from .class_iou_metric import ClassIoUMetric

__all__ = ['BFScoreMetric', 'CalibrationMetric', 'ClassIoUMetric']
