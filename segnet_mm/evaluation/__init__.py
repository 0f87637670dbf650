from .metrics import BFScoreMetric

__all__ = ['BFScoreMetric']
