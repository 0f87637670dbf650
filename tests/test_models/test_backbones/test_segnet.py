import pytest
import torch

from mmseg.registry import MODELS
from segnet_mm.models.utils import PoolOutput


def build_encoder(**kwargs):
    return MODELS.build(dict(type='SegNetEncoder', **kwargs))


def test_bad_arguments():
    with pytest.raises(ValueError, match='same length'):
        build_encoder(num_convs=(2, 2), channels=(64, ))
    with pytest.raises(ValueError, match='>= 1 conv'):
        build_encoder(num_convs=(2, 0), channels=(64, 64))
    with pytest.raises(ValueError) as error:
        build_encoder(out_indices=(5, ))
    assert str(error.value) == ('out_indices (5,) must be a non-empty '
                                'subset of 0..4')
    with pytest.raises(ValueError, match='dropout_stages'):
        build_encoder(dropout_stages=(7, ))
    with pytest.raises(ValueError, match=r'at least 32px.*got \(31, 64\)$'):
        build_encoder()(torch.randn(1, 3, 31, 64))


def test_odd_input_shapes():
    encoder = build_encoder(channels=(4, 8, 8, 16, 16)).eval()
    outs = encoder(torch.randn(2, 3, 45, 60))
    assert len(outs) == 5 and all(isinstance(o, PoolOutput) for o in outs)
    sizes = [(45, 60), (22, 30), (11, 15), (5, 7), (2, 3)]
    assert [o.size for o in outs] == sizes
    for o, (h, w), c in zip(outs, sizes, (4, 8, 8, 16, 16)):
        assert o.feat.shape == (2, c, h // 2, w // 2)
        assert o.indices.shape == o.feat.shape
        assert o.indices.dtype == torch.uint8  # eval mode: window codes


def test_vgg16_bn_layout_and_params():
    encoder = build_encoder()
    convs = [m for m in encoder.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 13
    assert all(c.bias is not None for c in convs)
    params = sum(p.numel() for p in encoder.parameters())
    assert abs(params - 14.72e6) / 14.72e6 < 0.005  # paper: 14.7M


def test_plain_features_and_int64_indices():
    encoder = build_encoder(channels=(4, 4, 4, 4, 4), with_indices=False,
                            out_indices=(3, 4)).eval()
    outs = encoder(torch.randn(1, 3, 32, 32))
    assert [o.shape for o in outs] == [(1, 4, 2, 2), (1, 4, 1, 1)]
    encoder = build_encoder(channels=(4, 4, 4, 4, 4),
                            compact_indices=False).eval()
    assert encoder(torch.randn(1, 3, 32, 32))[0].indices.dtype == torch.int64


def test_auto_indices_policy():
    encoder = build_encoder(channels=(4, 4, 4, 4, 4))
    x = torch.randn(1, 3, 32, 32)
    assert encoder.train()(x)[0].indices.dtype == torch.int64
    with torch.no_grad():
        assert encoder.train()(x)[0].indices.dtype == torch.uint8
    assert encoder.eval()(x)[0].indices.dtype == torch.uint8
    torch.use_deterministic_algorithms(True)
    try:
        assert encoder.train()(x)[0].indices.dtype == torch.uint8
    finally:
        torch.use_deterministic_algorithms(False)
    with pytest.raises(ValueError, match="compact_indices must be"):
        build_encoder(compact_indices='yes')


def test_window_codes_formulations_agree():
    """'compare' (the default) and 'flat' find the same codes, ties
    included (ReLU zeros tie)."""
    torch.manual_seed(0)
    encoder = build_encoder(channels=(4, 4, 4, 4, 4)).eval()
    x = torch.randn(1, 3, 45, 60)
    outs = encoder(x)
    encoder.window_codes = 'flat'
    for new, flat in zip(outs, encoder(x)):
        assert new.indices.dtype == flat.indices.dtype == torch.uint8
        assert torch.equal(new.indices, flat.indices)
    with pytest.raises(ValueError, match="window_codes must be .*'max'"):
        build_encoder(window_codes='max')


def test_input_lrn_is_caffes_cross_channel_lrn():
    """b_c = a_c / (k + alpha / n * sum_{|c' - c| <= n // 2} a_c'^2)^beta."""
    lrn = dict(size=5, alpha=1e-4, beta=0.75, k=1.0)
    encoder = build_encoder(num_convs=(1, ), channels=(4, ), input_lrn=lrn)
    plain = build_encoder(num_convs=(1, ), channels=(4, ))
    plain.load_state_dict(encoder.state_dict())
    encoder.eval(), plain.eval()
    x = torch.rand(2, 3, 8, 8) * 255
    # 3 channels with a window of 5: every channel sums all three squares.
    expected = x / (1.0 + 1e-4 / 5 * x.square().sum(1, keepdim=True))**0.75
    torch.testing.assert_close(encoder(x)[0].feat, plain(expected)[0].feat)


def test_dropout_after_the_named_stages():
    encoder = build_encoder(dropout_stages=(2, 4), stage_dropout_ratio=0.3)
    assert {i: m.p for i, m in enumerate(encoder.dropouts)
            if isinstance(m, torch.nn.Dropout)} == {2: 0.3, 4: 0.3}
    encoder = build_encoder(dropout_stages=(1, ))
    assert [m.p for m in encoder.dropouts
            if isinstance(m, torch.nn.Dropout)] == [0.5]


def test_compact_indices_forced_on():
    encoder = build_encoder(channels=(4, 8, 8, 16, 16),
                            compact_indices=True).train()
    assert encoder(torch.randn(1, 3, 32, 32))[0].indices.dtype == \
        torch.uint8
