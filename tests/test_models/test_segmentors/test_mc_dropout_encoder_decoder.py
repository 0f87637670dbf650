import math
from unittest import mock

import pytest
import torch
from mmengine.config import Config

from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from tests.conftest import REPO_ROOT
from tests.utils import BAYESIAN_CONFIG, small_config


def build(**model):
    torch.manual_seed(0)
    return MODELS.build(small_config(BAYESIAN_CONFIG, **model).model).eval()


def padded_samples(n=2):
    """45x60 images padded to 48x64 at the bottom right."""
    return [
        SegDataSample(metainfo=dict(
            ori_shape=(45, 60), img_shape=(45, 60), pad_shape=(48, 64),
            padding_size=[0, 4, 0, 3])) for _ in range(n)
    ]


def test_bad_arguments():
    with pytest.raises(ValueError, match='mc_samples must be an int >= 0'):
        build(mc_samples=-1)
    cfg = small_config(BAYESIAN_CONFIG, mc_samples=4).model
    cfg.backbone.dropout_stages = ()
    cfg.decode_head.dropout_stages = ()
    with pytest.raises(ValueError, match='mc_samples=4 needs dropout layers'):
        MODELS.build(cfg)
    cfg.mc_samples = 1  # deterministic: no dropout needed
    MODELS.build(cfg)


def test_config_is_bayesian_segnet():
    cfg = Config.fromfile(REPO_ROOT / 'configs/bayesian-segnet_camvid.py')
    assert cfg.model.type == 'MCDropoutEncoderDecoder'
    assert cfg.model.mc_samples == 16
    model = MODELS.build(cfg.model)
    drops = {n: m.p for n, m in model.named_modules()
             if isinstance(m, torch.nn.Dropout)}
    assert drops == {
        'backbone.dropouts.2': 0.5, 'backbone.dropouts.3': 0.5,
        'backbone.dropouts.4': 0.5, 'decode_head.decoder.0.1': 0.5,
        'decode_head.decoder.1.1': 0.5, 'decode_head.decoder.2.1': 0.5
    }


@pytest.mark.parametrize('mc_samples', [0, 1])
def test_deterministic_flag_is_encoder_decoder(mc_samples):
    model = build(mc_samples=mc_samples)
    cfg = small_config(BAYESIAN_CONFIG, type='EncoderDecoder').model
    cfg.pop('mc_samples')
    reference = MODELS.build(cfg).eval()
    reference.load_state_dict(model.state_dict())
    inputs = torch.randn(2, 3, 48, 64)
    with torch.no_grad():
        ours = model.predict(inputs, padded_samples())
        theirs = reference.predict(inputs, padded_samples())
    for a, b in zip(ours, theirs):
        assert torch.equal(a.seg_logits.data, b.seg_logits.data)
        assert torch.equal(a.pred_sem_seg.data, b.pred_sem_seg.data)
        assert 'entropy' not in a and 'variance' not in a
        assert 'mutual_information' not in a


def test_mc_prediction_fields():
    model = build(mc_samples=6)
    inputs = torch.randn(2, 3, 48, 64)
    results = model.predict(inputs, padded_samples())
    assert not any(m.training for m in model.modules())
    for r in results:
        assert r.pred_sem_seg.data.shape == (1, 45, 60)
        assert r.entropy.data.shape == r.variance.data.shape == (1, 45, 60)
        assert r.mutual_information.data.shape == (1, 45, 60)
        probs = r.seg_logits.data.softmax(0)
        assert torch.allclose(probs.sum(0), torch.ones(45, 60), atol=1e-5)
        assert torch.equal(r.pred_sem_seg.data[0], probs.argmax(0))
        assert r.variance.data.max() > 0 and r.variance.data.min() >= 0
        assert 0 <= r.entropy.data.min()
        assert r.entropy.data.max() <= math.log(11) + 1e-5
        mutual_information = r.mutual_information.data
        assert mutual_information.min() >= 0
        assert mutual_information.max() > 0
        assert torch.all(mutual_information <= r.entropy.data + 1e-6)


def test_uncertainty_maps_from_hand_made_samples(monkeypatch):
    """Two dropout samples whose softmaxes are set by hand, where the
    entropy, the variance and the mutual information all differ: pixel 0
    one-hot on class 0, then on class 1; pixel 1 (0.5, 0.5), then one-hot
    on class 0; pixel 2 the same softmax twice. 11 classes; one-hot is
    logit 0 against -1e4, 0.5 is two logits 0."""
    model = build(mc_samples=2)
    logits = torch.full((2, 1, 11, 1, 3), -1e4)
    logits[0, 0, 0, 0, 0] = logits[1, 0, 1, 0, 0] = 0  # pixel 0
    logits[0, 0, :2, 0, 1] = logits[1, 0, 0, 0, 1] = 0  # pixel 1
    logits[:, 0, :3, 0, 2] = torch.tensor([0., 1., 2.])  # pixel 2
    monkeypatch.setattr(model, 'inference', mock.Mock(side_effect=logits))
    result, = model.predict(torch.zeros(1, 3, 1, 3))
    log2 = math.log(2)
    # Mean softmax: (1/2, 1/2); (3/4, 1/4); softmax(0, 1, 2).
    third = torch.tensor([0., 1., 2.]).softmax(0)
    entropy = torch.tensor(
        [log2, -(0.75 * math.log(0.75) + 0.25 * math.log(0.25)),
         -(third * third.log()).sum()])
    # Mean over the 11 classes of the population variance of 2 samples.
    variance = torch.tensor([0.25 + 0.25, 0.0625 + 0.0625, 0.]) / 11
    # Entropy of the mean minus the samples' mean entropy.
    mutual_information = entropy - torch.tensor([0., log2 / 2, entropy[2]])
    torch.testing.assert_close(result.entropy.data[0, 0], entropy)
    torch.testing.assert_close(result.variance.data[0, 0], variance)
    torch.testing.assert_close(result.mutual_information.data[0, 0],
                               mutual_information)
    assert result.mc_samples == 2


def test_p0_mc_equals_deterministic():
    model = build(
        mc_samples=3,
        backbone=dict(stage_dropout_ratio=0.),
        decode_head=dict(stage_dropout_ratio=0.))
    reference = build(
        mc_samples=1,
        backbone=dict(stage_dropout_ratio=0.),
        decode_head=dict(stage_dropout_ratio=0.))
    inputs = torch.randn(1, 3, 45, 60)
    with torch.no_grad():
        mc, = model.predict(inputs)
        det, = reference.predict(inputs)
    assert torch.equal(mc.pred_sem_seg.data, det.pred_sem_seg.data)
    assert torch.allclose(mc.seg_logits.data.softmax(0),
                          det.seg_logits.data.softmax(0), atol=1e-6)
    assert mc.variance.data.max() < 1e-7
    assert mc.mutual_information.data.max() < 1e-6
    assert torch.allclose(
        mc.entropy.data[0],
        torch.special.entr(det.seg_logits.data.softmax(0)).sum(0),
        atol=1e-5)


def test_predict_prefixes_equal_predict_at_each_t():
    model = build(mc_samples=4)
    inputs = torch.randn(2, 3, 48, 64)
    samples = padded_samples()
    torch.manual_seed(5)
    by_t = model.predict_prefixes(inputs, samples, [2, 4])
    for count in (2, 4):
        model.mc_samples = count
        torch.manual_seed(5)
        alone = model.predict(inputs, padded_samples())
        for got, want in zip(by_t[count], alone):
            assert got.metainfo['mc_samples'] == count
            for key in ('seg_logits', 'entropy', 'mutual_information'):
                assert torch.allclose(got.get(key).data, want.get(key).data,
                                      atol=1e-5)
    # Each T fills its own copies: the caller's samples stay empty.
    assert by_t[2][0] is not by_t[4][0]
    assert 'seg_logits' not in samples[0]
    with pytest.raises(ValueError, match='>= 2 samples'):
        model.predict_prefixes(inputs, samples, [1, 4])
