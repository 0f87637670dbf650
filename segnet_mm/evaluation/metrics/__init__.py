from .bf_score import BFScoreMetric

__all__ = ['BFScoreMetric']
