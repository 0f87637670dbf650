import torch
from mmengine.config import Config

from mmseg.registry import MODELS
from tests.conftest import REPO_ROOT


def build_segnet(num_classes=11):
    cfg = Config.fromfile(REPO_ROOT / 'configs/_base_/models/segnet.py')
    cfg.model.decode_head.num_classes = num_classes
    return MODELS.build(cfg.model)


def test_param_count_matches_paper():
    model = build_segnet(11)
    total = sum(p.numel() for p in model.parameters())
    encoder = sum(p.numel() for p in model.backbone.parameters())
    assert abs(total - 29.45e6) / 29.45e6 < 0.005, total
    assert abs(encoder - 14.7e6) / 14.7e6 < 0.005, encoder
    assert (total, encoder) == (29_443_723, 14_723_136)  # README's table


def test_encoder_decoder_forward_odd_size():
    model = build_segnet(11).eval()
    with torch.no_grad():
        logits = model(torch.randn(1, 3, 45, 60), mode='tensor')
    assert logits.shape == (1, 11, 45, 60)
