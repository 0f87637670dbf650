from typing import List

import torch
import torch.nn as nn
from mmengine.hooks import Hook

from mmseg.registry import HOOKS


def _contiguous_input(module: nn.Module, args: tuple) -> tuple:
    """Forward pre-hook: the first input in NCHW (contiguous) layout."""
    return (args[0].contiguous(), *args[1:])


def nchw_only_convs(model: nn.Module) -> List[nn.Conv2d]:
    """The convolutions that must not run channels-last on the CPU:
    grouped (depthwise included) and dilated.

    For them oneDNN's bf16 weight gradient in channels-last layout is wrong
    on CPUs with AVX512-BF16 (values off by more than their own size, at
    times astronomically large or not finite), while the NCHW one, the fp32
    ones and their outputs and input gradients are right; docs/reliability.md
    has the measurement.
    """
    return [
        m for m in model.modules() if isinstance(m, nn.Conv2d)
        and m.groups > 1 and any(d > 1 for d in m.dilation)
    ]


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's weights channels-last (NHWC) before running.

    oneDNN's convolutions on CPU (and cuDNN's with tensor cores) are fastest
    in NHWC; a conv whose weight is channels-last makes its output
    channels-last too, so converting the weights is enough. Parameters are
    converted in place, so an optimizer built earlier keeps tracking them.

    On the CPU, grouped dilated convolutions (:func:`nchw_only_convs`, e.g.
    CGNet's surrounding-context convolutions) stay NCHW: their weights are
    kept contiguous and their input is made contiguous before each forward.
    """
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model
        model.to(memory_format=torch.channels_last)
        on_cpu = all(p.device.type == 'cpu' for p in model.parameters())
        for conv in nchw_only_convs(model) if on_cpu else []:
            # clone: a (C, 1, kh, kw) depthwise weight counts as contiguous
            # in either layout, so .contiguous() would keep its NHWC strides.
            conv.weight.data = conv.weight.data.clone(
                memory_format=torch.contiguous_format)
            conv.register_forward_pre_hook(_contiguous_input)
