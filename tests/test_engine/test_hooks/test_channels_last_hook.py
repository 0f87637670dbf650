"""ChannelsLastHook: the model's weights stored channels-last before the
run, converted in place."""
from types import SimpleNamespace

import torch

from mmseg.registry import HOOKS, MODELS
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
