from .pooling import PoolOutput, max_pool2x2, max_unpool2x2, window_codes

__all__ = ['PoolOutput', 'max_pool2x2', 'max_unpool2x2', 'window_codes']
