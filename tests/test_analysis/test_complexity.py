import torch

from mmseg.registry import MODELS
from segnet_mm.analysis.complexity import count_macs
from segnet_mm.models.utils import SegmentorLogits

CHANNELS = (4, 8, 8, 16, 16)
NUM_CONVS = (2, 2, 3, 3, 3)


def test_counts_convs_pooling_and_unpooling_exactly():
    model = MODELS.build(
        dict(
            type='EncoderDecoder',
            backbone=dict(type='SegNetEncoder', channels=CHANNELS),
            decode_head=dict(
                type='SegNetHead', in_channels=CHANNELS, channels=4,
                in_index=(0, 1, 2, 3, 4), num_classes=3))).eval()
    h, w = 64, 96
    total, unsupported, by_op = count_macs(SegmentorLogits(model),
                                           torch.randn(1, 3, h, w))
    assert not unsupported
    # By hand: 3x3 convs at each stage's resolution, mirrored decoder
    # (Caffe widths), 1x1 classifier.
    conv = pool = unpool = 0
    cin = 3
    for i, (n, c) in enumerate(zip(NUM_CONVS, CHANNELS)):
        size = (h >> i) * (w >> i)
        widths = [c] * n
        for cout in widths:
            conv += cin * cout * 9 * size
            cin = cout
        pool += c * size
        unpool += c * size
        dec_in = c
        dec_out = [c] * (([1, 2, 3, 3, 3][i]) - 1) + \
            [4 if i == 0 else CHANNELS[i - 1]]
        for cout in dec_out:
            conv += dec_in * cout * 9 * size
            dec_in = cout
    conv += 4 * 3 * h * w
    assert by_op['conv'] == conv
    assert by_op['max_pool2d'] == pool  # window codes: no indices
    assert by_op['where'] == unpool
    assert total == sum(by_op.values())
