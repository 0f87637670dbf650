import math
from typing import Optional

import torch
from mmengine.hooks import Hook

from mmseg.registry import HOOKS


class NonFiniteLossError(RuntimeError):
    """The training loss, or the weights, became NaN or infinite."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training at the first NaN/inf loss or weight, naming the
    iteration.

    After every iteration it checks the loss of that iteration's forward
    pass and the weights its update produced, and it runs before the
    ``CheckpointHook`` of the same iteration. So every checkpoint on disk
    holds finite weights, and the last one holds the weights after the
    last checked iteration (the newest multiple of the checkpoint
    interval before the stop): resume from it with a lower learning rate.
    The forward pass of the iteration that stopped used the weights of the
    iteration before it, which are finite too; only its update may not be.
    """
    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        loss = (outputs or {}).get('loss')
        value = loss.item() if isinstance(loss, torch.Tensor) else loss
        if value is not None and not math.isfinite(value):
            problem = f'loss is {value}'
        else:
            params = dict(runner.model.named_parameters())
            # One reduction (one device sync) per iteration; names only
            # on the rare failure.
            finite = torch.stack(
                [torch.isfinite(p).all() for p in params.values()])
            if finite.all():
                return
            bad = [name for name, ok in zip(params, finite.tolist()) if not ok]
            problem = (f'weights are not finite after the update ({len(bad)} '
                       f'tensors, first {bad[0]})')
        last = runner.message_hub.get_info('last_ckpt')
        raise NonFiniteLossError(
            f'{problem} at iteration {runner.iter + 1}; training stopped '
            f'before saving. Last good checkpoint: {last or "none saved yet"}')
