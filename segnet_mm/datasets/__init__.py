from .camvid import CamVidDataset
from .checks import DatasetCheckError
from .class_weights import median_frequency_weights
from .synthetic import write_synthetic_pairs

__all__ = ['CamVidDataset', 'DatasetCheckError', 'median_frequency_weights',
           'write_synthetic_pairs']
