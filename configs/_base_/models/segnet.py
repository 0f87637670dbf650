# SegNet: VGG16-BN encoder keeping its pooling indices + mirrored decoder
# unpooling with them (Badrinarayanan et al., TPAMI 2017). 29.44M parameters
# for 11 classes.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='SegNetEncoder',
        in_channels=3,
        num_convs=(2, 2, 3, 3, 3),
        channels=(64, 128, 256, 512, 512),
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='SegNetHead',
        num_convs=(1, 2, 3, 3, 3),
        in_channels=(64, 128, 256, 512, 512),
        channels=64,
        in_index=(0, 1, 2, 3, 4),
        num_classes=19,
        dropout_ratio=0,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
