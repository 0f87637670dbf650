import logging
from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper

from mmseg.registry import OPTIM_WRAPPERS


def cpu_has_bf16_hardware() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX), as
    oneDNN sees it. Elsewhere bf16 is emulated, many times slower than
    fp32 (measured in docs/get_started.md)."""
    return torch.ops.mkldnn._is_mkldnn_bf16_supported()


@OPTIM_WRAPPERS.register_module()
class BF16AmpOptimWrapper(OptimWrapper):
    """Mixed-precision training with bf16 autocast, on CPU or GPU.

    bfloat16 has fp32's exponent range, so unlike fp16 it needs no loss
    scaling: only ``optim_context`` changes (autocast on the device the
    model's weights are on); weights, gradients and the optimizer state stay
    fp32. mmengine's ``AmpOptimWrapper`` needs CUDA and, even with
    ``dtype='bfloat16'``, scales the loss and checks the gradients for
    infinities every step. On CPUs with bf16 matrix units (AMX,
    AVX512-BF16) autocast runs convolutions several times faster than fp32;
    a CPU without them emulates bf16, many times slower than fp32, and the
    wrapper says so in the log at its first step there.

    Args:
        dtype (str): Autocast dtype; only 'bfloat16' is accepted.
            Default: 'bfloat16'.
        **kwargs: ``OptimWrapper``'s arguments (``optimizer``,
            ``accumulative_counts``, ``clip_grad``).
    """
    valid_dtypes = ('bfloat16', )

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        if dtype not in self.valid_dtypes:
            raise TypeError(f'BF16AmpOptimWrapper dtype must be one of '
                            f'{self.valid_dtypes}, got {dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)
        self._checked_cpu = False

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
                    '--cfg-options optim_wrapper.type=OptimWrapper '
                    'val_cfg.fp16=False test_cfg.fp16=False',
                    logger='current', level=logging.WARNING)
        with super().optim_context(model), torch.autocast(
                device.type, dtype=self.cast_dtype):
            yield
