from .metrics import BFScoreMetric, ClassIoUMetric

__all__ = ['BFScoreMetric', 'ClassIoUMetric']
