from .camvid import CamVidDataset
from .checks import DatasetCheckError

__all__ = ['CamVidDataset', 'DatasetCheckError']
