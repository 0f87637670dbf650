import math
from typing import List, Optional, Sequence

import torch
from mmengine.hooks import CheckpointHook, Hook
from mmengine.runner import IterBasedTrainLoop

from mmseg.registry import HOOKS


class NonFiniteLossError(RuntimeError):
    """The training loss, or the weights, became NaN or infinite."""


@torch.no_grad()
def non_finite_indices(tensors: Sequence[torch.Tensor]) -> List[int]:
    """The positions of the tensors holding a NaN or an infinity.

    A sum per tensor screens them: it reads each tensor once, many times
    faster on a CPU than ``isfinite().all()``, which writes a mask first,
    and a NaN or an infinity makes it non-finite. The few tensors whose sum
    is not finite are confirmed with ``isfinite()``, so finite values whose
    sum overflows are not reported. One device sync when all are finite.
    """
    if not tensors:
        return []
    sums_finite = torch.isfinite(torch.stack([t.sum() for t in tensors]))
    if sums_finite.all():
        return []
    return [
        i for i, ok in enumerate(sums_finite.tolist())
        if not ok and not torch.isfinite(_values(tensors[i])).all()
    ]


def _values(tensor: torch.Tensor) -> torch.Tensor:
    """A tensor's stored values (a sparse gradient's non-zeros)."""
    return tensor.coalesce().values() if tensor.is_sparse else tensor


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training at the first NaN/inf loss, and before non-finite
    weights could be saved or scored, naming the iteration.

    After every iteration it checks the loss of that iteration's forward
    pass (a value mmengine has already fetched from the device to log it).
    After the iterations where a ``CheckpointHook`` will save (its interval,
    the last iteration) or validation will run (and so ``save_best``), it
    also checks every weight, before those hooks run: every checkpoint on
    disk holds finite weights, and none is deleted or renamed for one that
    would not. Epoch-based training checks the weights after every epoch.
    Non-finite weights after any other update make the next loss
    non-finite, so training stops at most one iteration after they appear.
    Checking the weights only there, not after every update, saves a pass
    over all of them per iteration (on a GPU, a kernel per tensor and a
    device sync; its cost on a CPU is in docs/reliability.md).
    """
    priority = 'ABOVE_NORMAL'

    def before_train(self, runner) -> None:
        self._iter_checkpoints = [
            hook for hook in runner.hooks
            if isinstance(hook, CheckpointHook) and not hook.by_epoch
        ]

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        loss = (outputs or {}).get('loss')
        value = loss.item() if isinstance(loss, torch.Tensor) else loss
        if value is not None and not math.isfinite(value):
            self._stop(runner, f'loss is {value}')
        if self._saves_or_validates(runner):
            self._check_weights(runner)

    def after_train_epoch(self, runner) -> None:
        self._check_weights(runner)

    def _saves_or_validates(self, runner) -> bool:
        """Whether a checkpoint may be written or validation run after this
        iteration."""
        loop = runner.train_loop
        val_interval = loop.val_interval if isinstance(
            loop, IterBasedTrainLoop) else 0
        return (self.is_last_train_iter(runner)
                or self.every_n_train_iters(runner, val_interval) or any(
                    self.every_n_train_iters(runner, hook.interval,
                                             hook.save_begin)
                    for hook in self._iter_checkpoints))

    def _check_weights(self, runner) -> None:
        params = dict(runner.model.named_parameters())
        names = list(params)
        bad = [names[i] for i in non_finite_indices(list(params.values()))]
        if bad:
            self._stop(runner, f'weights are not finite ({len(bad)} tensors, '
                       f'first {bad[0]})')

    @staticmethod
    def _stop(runner, problem: str) -> None:
        last = runner.message_hub.get_info('last_ckpt')
        raise NonFiniteLossError(
            f'{problem} at iteration {runner.iter + 1}; training stopped '
            f'before saving. Last good checkpoint: {last or "none saved yet"}')
