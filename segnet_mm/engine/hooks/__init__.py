from .channels_last_hook import ChannelsLastHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = ['ChannelsLastHook', 'NonFiniteLossHook', 'NonFiniteLossError']
