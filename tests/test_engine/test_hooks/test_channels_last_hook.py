"""ChannelsLastHook: the model's weights stored channels-last before the
run, converted in place, except grouped dilated convolutions on the CPU."""
from types import SimpleNamespace

import pytest
import torch

from mmseg.registry import HOOKS, MODELS
from segnet_mm.engine.hooks.channels_last_hook import nchw_only_convs
from segnet_mm.engine.optimizers.bf16_amp_optim_wrapper import \
    cpu_has_bf16_hardware
from tests.utils import small_config


def test_channels_last_hook_converts_the_weights_in_place():
    torch.manual_seed(0)
    model = MODELS.build(small_config().model)
    params = list(model.parameters())
    HOOKS.build(dict(type='ChannelsLastHook')).before_run(
        SimpleNamespace(model=model))
    kernels = [p for p in model.parameters() if p.dim() == 4]
    assert kernels
    assert all(
        p.is_contiguous(memory_format=torch.channels_last) for p in kernels)
    # The same Parameter objects: an optimizer built earlier tracks them.
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    conv = model.backbone.stages[1][0].conv
    out = conv(torch.randn(1, conv.in_channels, 9, 11))
    assert out.is_contiguous(memory_format=torch.channels_last)


def cgnet_like_block():
    """A dense conv, then a depthwise dilated one (CGNet's f_sur)."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1),
        torch.nn.Conv2d(16, 16, 3, padding=2, dilation=2, groups=16))


def test_grouped_dilated_convs_stay_nchw_on_the_cpu():
    model = cgnet_like_block()
    dense, dilated = model
    HOOKS.build(dict(type='ChannelsLastHook')).before_run(
        SimpleNamespace(model=model))
    assert dense.weight.is_contiguous(memory_format=torch.channels_last)
    # NCHW strides: a (C, 1, 3, 3) weight is contiguous in either layout.
    assert dilated.weight.stride() == (9, 9, 3, 1)
    # Its channels-last input is made NCHW, so oneDNN runs it NCHW.
    out = model(torch.randn(2, 3, 12, 14))
    assert out.is_contiguous()
    assert nchw_only_convs(model) == [dilated]


@pytest.mark.skipif(not cpu_has_bf16_hardware(),
                    reason='needs a CPU with bf16 hardware (AVX512-BF16 or '
                    "AMX), whose oneDNN kernels compute the faulty gradient")
def test_grouped_dilated_weight_gradient_is_right_in_bf16():
    """oneDNN's channels-last bf16 weight gradient of a depthwise dilated
    conv is wrong by more than its own size; the hook's NCHW exception
    gives bf16's usual ~1% error."""
    torch.manual_seed(0)
    model = cgnet_like_block()
    x = torch.randn(8, 3, 23, 30)
    model(x).square().sum().backward()
    reference = model[1].weight.grad.clone()
    model.zero_grad()
    HOOKS.build(dict(type='ChannelsLastHook')).before_run(
        SimpleNamespace(model=model))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        loss = model(x).float().square().sum()
    loss.backward()
    error = (model[1].weight.grad - reference).abs().max()
    assert error / reference.abs().max() < 0.05
