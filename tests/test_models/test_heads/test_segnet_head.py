import pytest
import torch

from mmseg.registry import MODELS

CHANNELS = (4, 8, 8, 16, 16)


def build(**kwargs):
    encoder = MODELS.build(dict(type='SegNetEncoder', channels=CHANNELS))
    head_cfg = dict(type='SegNetHead', in_channels=CHANNELS, channels=4,
                    in_index=(0, 1, 2, 3, 4), num_classes=11)
    head_cfg.update(kwargs)
    return encoder.eval(), MODELS.build(head_cfg).eval()


def test_bad_arguments():
    with pytest.raises(ValueError) as error:
        build(input_transform='resize_concat')
    assert str(error.value) == ("SegNetHead needs input_transform="
                                "'multiple_select', got 'resize_concat'")
    with pytest.raises(ValueError, match='same length'):
        build(num_convs=(1, 2))
    with pytest.raises(ValueError, match="unpool must be .*'nearest'"):
        build(unpool='nearest')


def test_unpool_methods_give_the_same_logits():
    """The same unpooled values (tests/test_models/test_utils/
    test_pooling.py); logits equal up to the convolutions' rounding, as
    'where' may hand a tiny deepest stage on channels-last."""
    encoder, head = build()
    pools = encoder(torch.randn(1, 3, 45, 60))
    logits = []
    for method in ('auto', 'where', 'upsample'):
        head.unpool = method
        logits.append(head(pools))
    assert torch.equal(logits[0], logits[1])
    torch.testing.assert_close(logits[2], logits[0])


@pytest.mark.parametrize('size', [(45, 60), (360 // 4, 480 // 4), (33, 47)])
def test_logits_at_input_size(size):
    encoder, head = build()
    logits = head(encoder(torch.randn(2, 3, *size)))
    assert logits.shape == (2, 11, *size)


def test_unpools_with_encoder_indices():
    """The decoder's first input is the deepest features placed at the
    encoder's argmax positions (zeros elsewhere), and the logits depend on
    the indices: interpolation would do neither."""
    encoder, head = build()
    feats = encoder(torch.randn(1, 3, 64, 72))
    logits = head(feats)
    flipped = list(feats)
    flipped[0] = feats[0]._replace(indices=3 - feats[0].indices)
    assert not torch.allclose(logits, head(tuple(flipped)))
    stage = head.decoder[0]
    seen = []
    handle = stage.register_forward_pre_hook(
        lambda m, args: seen.append(args[0]))
    head(feats)
    handle.remove()
    deep = feats[-1]
    unpooled = seen[0]
    assert unpooled.shape[-2:] == deep.size
    nonzero = unpooled != 0
    assert int(nonzero.sum()) == int((deep.feat != 0).sum())
    # every non-zero sits at the window position named by the code
    n, c, h, w = deep.feat.shape
    windows = unpooled[..., :2 * h, :2 * w].reshape(n, c, h, 2, w, 2)
    windows = windows.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h, w, 4)
    picked = windows.gather(-1, deep.indices.long().unsqueeze(-1))[..., 0]
    assert torch.equal(picked, deep.feat)


def test_mirrored_decoder_layout():
    """Deepest stage first, num_convs conv + BN + ReLU blocks per stage
    (biased convs by default), each stage's last block narrowing to the
    next stage's width, then the classifier."""
    _, head = build(num_convs=(1, 2, 3, 3, 3), norm_cfg=dict(type='BN'))
    widths = []
    for stage, n in zip(head.decoder, (3, 3, 3, 2, 1)):
        blocks = stage[0]
        assert len(blocks) == n
        for block in blocks:
            assert block.conv.bias is not None
            assert isinstance(block.norm, torch.nn.BatchNorm2d)
            assert isinstance(block.activate, torch.nn.ReLU)
        widths.append([b.conv.out_channels for b in blocks])
        assert isinstance(stage[1], torch.nn.Identity)
    assert widths == [[16, 16, 16], [16, 16, 8], [8, 8, 8], [8, 4], [4]]
    assert head.conv_seg.in_channels == 4


def test_dropout_after_the_named_stages():
    _, head = build(dropout_stages=(2, 3), stage_dropout_ratio=0.3)
    dropouts = {i: m[1].p for i, m in zip((4, 3, 2, 1, 0), head.decoder)
                if isinstance(m[1], torch.nn.Dropout)}
    assert dropouts == {3: 0.3, 2: 0.3}
    _, head = build(dropout_stages=(1, ))
    assert [m[1].p for m in head.decoder
            if isinstance(m[1], torch.nn.Dropout)] == [0.5]
