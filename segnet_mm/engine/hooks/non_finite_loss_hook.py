import math
from typing import Optional

import torch
from mmengine.hooks import Hook

from mmseg.registry import HOOKS


class NonFiniteLossError(RuntimeError):
    """The training loss became NaN or infinite."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training at the first NaN/inf loss, naming the iteration.

    It runs before the ``CheckpointHook`` of the same iteration, so the
    poisoned weights are never saved and the last checkpoint on disk is the
    last good one (resume from it with a lower learning rate).
    """
    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        loss = (outputs or {}).get('loss')
        if loss is None:
            return
        value = loss.item() if isinstance(loss, torch.Tensor) else loss
        if not math.isfinite(value):
            last = runner.message_hub.get_info('last_ckpt')
            raise NonFiniteLossError(
                f'loss is {value} at iteration {runner.iter + 1}; training '
                f'stopped before saving. Last good checkpoint: '
                f'{last or "none saved yet"}')
