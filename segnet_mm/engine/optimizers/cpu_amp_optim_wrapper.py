from contextlib import contextmanager

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mmseg.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """Mixed-precision training on CPU with bf16 autocast.

    mmengine's ``AmpOptimWrapper`` needs CUDA. On CPUs with bf16 matrix units
    (AMX, AVX512-BF16) autocast to bfloat16 runs convolutions several times
    faster than fp32. bfloat16 has fp32's exponent range, so no loss scaling
    is needed: only ``optim_context`` changes; weights, gradients and the
    optimizer state stay fp32.

    Args:
        dtype (str): Autocast dtype; only 'bfloat16' is accepted.
            Default: 'bfloat16'.
        **kwargs: ``OptimWrapper``'s arguments (``optimizer``,
            ``accumulative_counts``, ``clip_grad``).
    """
    valid_dtypes = ('bfloat16', )

    def __init__(self, dtype: str = 'bfloat16', **kwargs) -> None:
        if dtype not in self.valid_dtypes:
            raise TypeError(f'CPUAmpOptimWrapper dtype must be one of '
                            f'{self.valid_dtypes}, got {dtype!r}')
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model: nn.Module):
        """Gradient-accumulation context plus CPU bf16 autocast.

        Raises:
            RuntimeError: if the model is not on the CPU, where CPU autocast
                would silently leave it in fp32.
        """
        device = next(model.parameters()).device
        if device.type != 'cpu':
            raise RuntimeError(
                f'CPUAmpOptimWrapper autocasts on the CPU, but the model is '
                f'on {device}: train with tools/train.py --amp (it picks '
                "AmpOptimWrapper with bf16) or set optim_wrapper.type="
                "'AmpOptimWrapper'")
        with super().optim_context(model), torch.autocast(
                'cpu', dtype=self.cast_dtype):
            yield
