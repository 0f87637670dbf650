from .segnet import SegNetEncoder

__all__ = ['SegNetEncoder']
