"""configs/segnet-basic_camvid.py: SegNet-Basic (TPAMI 2017, Sec. 4.1)."""
import torch
import torch.nn as nn
from mmengine.config import Config

from mmseg.registry import MODELS
from segnet_mm.models.utils import PoolOutput
from tests.conftest import REPO_ROOT


def build_basic():
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet-basic_camvid.py')
    return MODELS.build(cfg.model)


def test_param_count_by_hand():
    model = build_basic()
    # Encoder: 7x7 convs without bias + BN (weight, bias):
    #   3 -> 64: 7*7*3*64 + 2*64 = 9,536; 64 -> 64: 7*7*64*64 + 128 =
    #   200,832, three times -> 612,032.
    # Decoder: four 64 -> 64 stages, 4 * 200,832 = 803,328.
    # Classifier: 1x1 conv 64 -> 11 with bias, 64*11 + 11 = 715.
    encoder = sum(p.numel() for p in model.backbone.parameters())
    total = sum(p.numel() for p in model.parameters())
    assert encoder == 612_032
    assert total == 612_032 + 803_328 + 715 == 1_416_075


def test_layers():
    model = build_basic()
    convs = [
        m for m in model.modules()
        if isinstance(m, nn.Conv2d) and m is not model.decode_head.conv_seg
    ]
    assert [c.kernel_size for c in convs] == [(7, 7)] * 8
    assert all(c.bias is None for c in convs)
    # ReLU after each encoder conv, none in the decoder.
    assert sum(isinstance(m, nn.ReLU) for m in model.backbone.modules()) == 4
    assert not any(isinstance(m, nn.ReLU)
                   for m in model.decode_head.modules())


def test_forward_odd_size():
    model = build_basic().eval()
    x = torch.randn(1, 3, 45, 60)
    with torch.no_grad():
        feats = model.backbone(x)
        logits = model(x, mode='tensor')
    assert all(isinstance(f, PoolOutput) for f in feats)
    assert [f.size for f in feats] == [(45, 60), (22, 30), (11, 15), (5, 7)]
    assert [tuple(f.feat.shape) for f in feats] == [
        (1, 64, 22, 30), (1, 64, 11, 15), (1, 64, 5, 7), (1, 64, 2, 3)]
    assert logits.shape == (1, 11, 45, 60)
