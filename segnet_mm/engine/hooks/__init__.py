from .channels_last_hook import ChannelsLastHook
from .compile_modules_hook import CompileModulesHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .precise_bn_hook import PreciseBNHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = [
    'ChannelsLastHook', 'CompileModulesHook', 'NonFiniteLossHook',
    'NonFiniteLossError', 'PreciseBNHook', 'SafeCheckpointHook'
]
