# SegNet-Basic (TPAMI 2017, Sec. 4.1): 4 encoder and 4 decoder stages of one
# 7x7 conv with 64 filters each, BN, no conv bias, ReLU in the encoder only
# (the decoder has no non-linearity). 1,416,075 parameters for 11 classes.
_base_ = ['segnet.py']
model = dict(
    backbone=dict(
        num_convs=(1, 1, 1, 1),
        channels=(64, 64, 64, 64),
        kernel_size=7,
        conv_bias=False),
    decode_head=dict(
        num_convs=(1, 1, 1, 1),
        in_channels=(64, 64, 64, 64),
        in_index=(0, 1, 2, 3),
        channels=64,
        kernel_size=7,
        conv_bias=False,
        act_cfg=None))
