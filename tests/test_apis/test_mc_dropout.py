import math

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmseg.structures import SegDataSample
from segnet_mm.apis import init_mc_dropout_segmentor
from segnet_mm.apis.mc_dropout import uncertainty_maps
from tests.conftest import REPO_ROOT


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
