from .camvid import CamVidDataset

__all__ = ['CamVidDataset']
