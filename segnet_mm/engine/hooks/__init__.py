from .channels_last_hook import ChannelsLastHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = [
    'ChannelsLastHook', 'NonFiniteLossHook', 'NonFiniteLossError',
    'SafeCheckpointHook'
]
