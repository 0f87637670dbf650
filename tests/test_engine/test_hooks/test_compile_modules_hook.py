from types import SimpleNamespace

import pytest
import torch
from torch._dynamo.utils import counters

from mmseg.registry import MODELS
from segnet_mm.engine import CompileModulesHook
from tests.utils import small_config


def test_compiles_backbone_and_head_forward_keeping_weights():
    torch.manual_seed(0)
    model = MODELS.build(small_config().model).eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        before = model(x, mode='tensor')
    keys = list(model.state_dict())
    torch._dynamo.reset()
    counters.clear()
    # The eager backend: dynamo traces, nothing is code-generated.
    CompileModulesHook(backend='eager').before_train(
        SimpleNamespace(model=model))
    with torch.no_grad():
        after = model(x, mode='tensor')
        # A decode head's loss calls self.forward, not self(...).
        model.decode_head.forward(model.extract_feat(x))
    assert torch.equal(before, after)
    for module in (model.backbone, model.decode_head):
        assert 'forward' in vars(module)  # replaced on the instance
    assert list(model.state_dict()) == keys
    assert counters['frames']['ok'] >= 2


def test_unknown_module_named():
    model = MODELS.build(small_config().model)
    with pytest.raises(AttributeError, match="has no 'auxiliary_head'"):
        CompileModulesHook(modules=['auxiliary_head']).before_train(
            SimpleNamespace(model=model))
