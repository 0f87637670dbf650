from .conv_stack import check_stage_args, conv_stack
from .img_metas import batch_img_metas
from .mc_dropout import (MCDropoutResult, dropout_layers, dropout_sampling,
                         mc_dropout_prefixes, mc_dropout_sample)
from .pooling import (CODE_METHODS, UNPOOL_METHODS, PoolOutput,
                      first_max_codes, max_pool2x2, max_unpool2x2,
                      window_codes)
from .segmentor_logits import SegmentorLogits

__all__ = [
    'CODE_METHODS', 'UNPOOL_METHODS', 'batch_img_metas', 'check_stage_args',
    'conv_stack', 'MCDropoutResult',
    'dropout_layers', 'dropout_sampling', 'first_max_codes',
    'mc_dropout_prefixes', 'mc_dropout_sample', 'PoolOutput',
    'max_pool2x2', 'max_unpool2x2',
    'SegmentorLogits', 'window_codes'
]
