from .conv_stack import check_stage_args, conv_stack
from .mc_dropout import (MCDropoutResult, dropout_layers, dropout_sampling,
                         mc_dropout_sample)
from .pooling import PoolOutput, max_pool2x2, max_unpool2x2, window_codes

__all__ = [
    'check_stage_args', 'conv_stack', 'MCDropoutResult', 'dropout_layers',
    'dropout_sampling', 'mc_dropout_sample', 'PoolOutput', 'max_pool2x2',
    'max_unpool2x2', 'window_codes'
]
