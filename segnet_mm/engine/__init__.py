from .checkpoint import (SAFE_GLOBALS, enable_safe_checkpoints,
                         load_local_weights_only, publish_checkpoint)
from .cpu_distributed import setup_cpu_distributed
from .hooks import (ChannelsLastHook, CompileModulesHook, NonFiniteLossError,
                    NonFiniteLossHook, SafeCheckpointHook)
from .optimizers import BF16AmpOptimWrapper, cpu_has_bf16_hardware

__all__ = [
    'SAFE_GLOBALS', 'enable_safe_checkpoints', 'load_local_weights_only',
    'publish_checkpoint', 'setup_cpu_distributed',
    'ChannelsLastHook', 'CompileModulesHook', 'NonFiniteLossHook',
    'NonFiniteLossError', 'SafeCheckpointHook',
    'BF16AmpOptimWrapper', 'cpu_has_bf16_hardware'
]
