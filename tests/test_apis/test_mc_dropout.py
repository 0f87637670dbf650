import math

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from segnet_mm.apis import (init_mc_dropout_segmentor, mc_dropout_predict,
                            uncertainty_maps)
from tests.conftest import REPO_ROOT
from tests.utils import BAYESIAN_CONFIG, small_config


def build(**model):
    torch.manual_seed(0)
    return MODELS.build(small_config(BAYESIAN_CONFIG, **model).model).eval()


def test_p0_equals_deterministic_forward():
    model = build(backbone=dict(dropout_ratio=0.),
                  decode_head=dict(stage_dropout_ratio=0.))
    inputs = torch.randn(2, 3, 45, 60)
    result = mc_dropout_predict(model, inputs, num_samples=4)
    with torch.no_grad():
        logits = model(inputs, mode='tensor')
    assert torch.allclose(result.probs, logits.softmax(1), atol=1e-6)
    assert torch.equal(result.pred, logits.argmax(1))
    assert result.variance.max() < 1e-7


def test_samples_spread():
    model = build()
    result = mc_dropout_predict(model, torch.randn(1, 3, 45, 60), 8)
    assert result.probs.shape == (1, 11, 45, 60)
    assert result.variance.shape == result.entropy.shape == (1, 45, 60)
    assert result.variance.min() >= 0 and result.variance.max() > 0
    assert result.entropy.min() >= 0
    assert result.entropy.max() <= math.log(11) + 1e-5
    assert not any(m.training for m in model.modules())


def test_uncertainty_maps_scaling():
    k = 11
    sample = SegDataSample()
    sample.pred_sem_seg = PixelData(data=torch.tensor([[[3, 10]]]))
    sample.entropy = PixelData(data=torch.tensor([[[math.log(k), 0.]]]))
    # The largest class-averaged variance, and half of it.
    top = (k - 1) / k**2
    sample.variance = PixelData(data=torch.tensor([[[top, top / 2]]]))
    maps = uncertainty_maps(sample, k)
    assert maps['pred'].tolist() == [[3, 10]]
    assert maps['entropy'].tolist() == [[65535, 0]]
    assert maps['variance'].tolist() == [[65535, 32768]]
    assert maps['entropy'].dtype == maps['variance'].dtype == np.uint16


def test_init_refuses_other_segmentors_and_one_sample(tmp_path):
    with pytest.raises(ValueError, match="model.type='CascadeEncoderDecoder'"):
        init_mc_dropout_segmentor(
            REPO_ROOT / 'configs/bayesian-segnet_camvid.py', tmp_path / 'x',
            cfg_options={'model.type': 'CascadeEncoderDecoder'})
    with pytest.raises(ValueError, match='mc_samples=1: uncertainty needs'):
        init_mc_dropout_segmentor(
            REPO_ROOT / 'configs/bayesian-segnet_camvid.py', tmp_path / 'x',
            num_samples=1)
