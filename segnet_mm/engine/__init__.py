from .checkpoint import (SAFE_GLOBALS, enable_safe_checkpoints,
                         load_local_weights_only, publish_checkpoint,
                         save_with_state_dict)
from .cpu_distributed import setup_cpu_distributed
from .hooks import (ChannelsLastHook, CompileModulesHook, NonFiniteLossError,
                    NonFiniteLossHook, PreciseBNHook, SafeCheckpointHook)
from .precise_bn import (BNStatisticsGap, bn_layers, bn_statistics_dataloader,
                         bn_statistics_gap, recompute_bn_statistics)
from .optimizers import BF16AmpOptimWrapper, cpu_has_bf16_hardware
from .runner import FastResumeIterBasedTrainLoop

__all__ = [
    'SAFE_GLOBALS', 'enable_safe_checkpoints', 'load_local_weights_only',
    'publish_checkpoint', 'save_with_state_dict', 'setup_cpu_distributed',
    'ChannelsLastHook', 'CompileModulesHook', 'NonFiniteLossHook',
    'NonFiniteLossError', 'PreciseBNHook', 'SafeCheckpointHook',
    'BNStatisticsGap', 'bn_layers', 'bn_statistics_dataloader',
    'bn_statistics_gap', 'recompute_bn_statistics',
    'BF16AmpOptimWrapper', 'cpu_has_bf16_hardware',
    'FastResumeIterBasedTrainLoop'
]
