from .mc_dropout import (MCDropoutResult, dropout_layers, dropout_sampling,
                         mc_dropout_sample)
from .pooling import PoolOutput, max_pool2x2, max_unpool2x2, window_codes

__all__ = [
    'MCDropoutResult', 'dropout_layers', 'dropout_sampling',
    'mc_dropout_sample', 'PoolOutput', 'max_pool2x2', 'max_unpool2x2',
    'window_codes'
]
