"""torchvision VGG16-BN weights -> SegNetEncoder, through
tools/model_converters/convert_vgg16_bn.py and mmengine's ``Pretrained`` init.

torchvision is not needed: the reference is VGG16-BN's ``features`` built
here in torchvision's layout (same module indices, so the same keys).
"""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmseg.registry import MODELS
from segnet_mm.models.backbones import convert_vgg_bn, vgg_bn_key_map
from segnet_mm.models.utils import window_codes
from tests.utils import run_tool

VGG16 = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M',
         512, 512, 512, 'M']


def vgg16_bn_features() -> nn.Sequential:
    """torchvision's ``vgg16_bn().features``, with random BN statistics."""
    layers, in_channels = [], 3
    for v in VGG16:
        if v == 'M':
            layers.append(nn.MaxPool2d(2, 2))
            continue
        bn = nn.BatchNorm2d(v)
        nn.init.uniform_(bn.weight, 0.5, 1.5)
        nn.init.uniform_(bn.bias, -0.2, 0.2)
        nn.init.normal_(bn.running_mean, 0, 0.1)
        nn.init.uniform_(bn.running_var, 0.5, 2)
        layers += [nn.Conv2d(in_channels, v, 3, padding=1), bn,
                   nn.ReLU(inplace=True)]
        in_channels = v
    return nn.Sequential(*layers)


def test_key_map_follows_torchvision_indices():
    names = vgg_bn_key_map()
    assert len(names) == 26
    assert names['features.0'] == 'stages.0.0.conv'
    assert names['features.4'] == 'stages.0.1.bn'
    assert names['features.7'] == 'stages.1.0.conv'  # after pool at 6
    assert names['features.41'] == 'stages.4.2.bn'


def test_bad_state_dicts():
    state = {f'features.{k}': v
             for k, v in vgg16_bn_features().state_dict().items()}
    plain_vgg = {k: v for k, v in state.items()
                 if not k.startswith('features.1.')}
    with pytest.raises(ValueError, match=r"missing \['features.1.weight'"):
        convert_vgg_bn(plain_vgg)
    with pytest.raises(ValueError, match=r"keys \['features.99.weight'\]"):
        convert_vgg_bn({**state, 'features.99.weight': torch.zeros(1)})


def test_converted_encoder_matches_vgg16_bn(tmp_path):
    torch.manual_seed(0)
    reference = nn.Module()
    reference.features = vgg16_bn_features()
    state = reference.state_dict()
    state['classifier.0.weight'] = torch.randn(8, 4)  # dropped
    torch.save(state, tmp_path / 'vgg16_bn.pth')
    out = run_tool('tools/model_converters/convert_vgg16_bn.py',
                   tmp_path / 'vgg16_bn.pth', tmp_path / 'segnet_vgg16_bn.pth')
    assert 'wrote 91 tensors' in out and '1 classifier tensors dropped' in out

    encoder = MODELS.build(
        dict(
            type='SegNetEncoder',
            init_cfg=dict(
                type='Pretrained',
                checkpoint=str(tmp_path / 'segnet_vgg16_bn.pth'))))
    encoder.init_weights()
    encoder.eval()
    reference.eval()
    x = torch.randn(2, 3, 64, 96)
    with torch.no_grad():
        outs = encoder(x)
        feat, stage = x, 0
        for layer in reference.features:
            if isinstance(layer, nn.MaxPool2d):
                pooled, indices = F.max_pool2d(feat, 2, 2,
                                               return_indices=True)
                assert torch.allclose(outs[stage].feat, pooled, atol=1e-5)
                assert torch.equal(outs[stage].indices,
                                   window_codes(indices, feat.shape[-1]))
                feat, stage = pooled, stage + 1
            else:
                feat = layer(feat)
    assert stage == len(outs) == 5
    assert outs[-1].feat.shape == (2, 512, 2, 3)
