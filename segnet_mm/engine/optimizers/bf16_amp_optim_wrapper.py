import logging
from contextlib import contextmanager
from typing import List

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper

from mmseg.registry import OPTIM_WRAPPERS
from ..hooks.non_finite_loss_hook import (NonFiniteLossError,
                                          non_finite_indices)


def cpu_has_bf16_hardware() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX), as
    oneDNN sees it; elsewhere bf16 is emulated (docs/get_started.md
    measures the cost)."""
    return torch.ops.mkldnn._is_mkldnn_bf16_supported()


@OPTIM_WRAPPERS.register_module()
class BF16AmpOptimWrapper(OptimWrapper):
    """Mixed-precision training with bf16 autocast, on CPU or GPU.

    bfloat16 has fp32's exponent range, so unlike fp16 it needs no loss
    scaling: autocast runs on the device the model's weights are on, and
    weights, gradients and the optimizer state stay fp32. mmengine's
    ``AmpOptimWrapper`` needs CUDA and, even with ``dtype='bfloat16'``,
    scales the loss. What its ``GradScaler`` also does is kept here: a step
    whose gradients hold a NaN or an infinity is skipped, with a warning
    naming their shapes, so that a single bad gradient from a bf16 backward
    kernel does not write non-finite weights (a non-finite loss is
    ``NonFiniteLossHook``'s to stop). More than ``max_skipped_steps`` skipped
    steps in a row raise :class:`NonFiniteLossError`. On CPUs with bf16
    matrix units (AMX, AVX512-BF16) autocast runs convolutions several times
    faster than fp32; a CPU without them emulates bf16, many times slower
    than fp32, and the wrapper says so in the log at its first step there.

    Args:
        dtype (str): Autocast dtype; only 'bfloat16' is accepted.
            Default: 'bfloat16'.
        max_skipped_steps (int): Steps with non-finite gradients skipped in
            a row before training stops. Default: 3.
        **kwargs: ``OptimWrapper``'s arguments (``optimizer``,
            ``accumulative_counts``, ``clip_grad``).
    """
    valid_dtypes = ('bfloat16', )

    def __init__(self,
                 dtype: str = 'bfloat16',
                 max_skipped_steps: int = 3,
                 **kwargs) -> None:
        if dtype not in self.valid_dtypes:
            raise TypeError(f'BF16AmpOptimWrapper dtype must be one of '
                            f'{self.valid_dtypes}, got {dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)
        self.max_skipped_steps = max_skipped_steps
        self._skipped_in_a_row = 0
        self._checked_cpu = False

    def _non_finite_grads(self) -> List[torch.Tensor]:
        """The gradients holding a NaN or an infinity."""
        grads = [
            p.grad for group in self.optimizer.param_groups
            for p in group['params'] if p.grad is not None
        ]
        return [grads[i] for i in non_finite_indices(grads)]

    def step(self, **kwargs) -> None:
        """Clip (if configured) and update, unless a gradient is not
        finite: then skip the update, and stop after more than
        ``max_skipped_steps`` such steps in a row."""
        bad = self._non_finite_grads()
        if not bad:
            self._skipped_in_a_row = 0
            super().step(**kwargs)
            return
        self._skipped_in_a_row += 1
        shapes = ', '.join(str(tuple(g.shape)) for g in bad[:3])
        problem = (f'non-finite gradients in {len(bad)} tensors (shapes '
                   f'{shapes}) with a finite loss')
        if self._skipped_in_a_row > self.max_skipped_steps:
            raise NonFiniteLossError(
                f'{problem}, {self._skipped_in_a_row} steps in a row: the '
                'bf16 backward does not work here; train in fp32 with '
                "optim_wrapper.type='OptimWrapper' in the config")
        print_log(
            f'BF16AmpOptimWrapper: {problem}; this update is skipped '
            f'({self._skipped_in_a_row} in a row)',
            logger='current',
            level=logging.WARNING)

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context plus bf16 autocast on the model's
        device."""
        device = next(model.parameters()).device
        if device.type == 'cpu' and not self._checked_cpu:
            self._checked_cpu = True
            if not cpu_has_bf16_hardware():
                print_log(
                    'BF16AmpOptimWrapper: this CPU has no bf16 hardware '
                    '(AVX512-BF16 or AMX), so bf16 autocast is emulated and '
                    'trains many times slower than fp32; for fp32 set '
                    "optim_wrapper.type='OptimWrapper', val_cfg.fp16=False "
                    'and test_cfg.fp16=False in the config',
                    logger='current', level=logging.WARNING)
        with super().optim_context(model), torch.autocast(
                device.type, dtype=self.cast_dtype):
            yield
