# DDRNet-23-slim (Pan et al., T-ITS 2022), mmseg's DDRNet + DDRHead, from
# scratch under the CamVid CPU-budget recipe (mmseg keeps this model in its
# Cityscapes config, not in a model base, so it is written out here, without
# the ImageNet checkpoint). DDRHead takes exactly two losses, one per output
# (context, weight 1.0; spatial, 0.4, as mmseg's): both are the recipe's
# class-weighted cross-entropy, without the Lovasz term. Its deepest branch
# needs sides divisible by 64: crops are padded to 192x256 (void), test
# images to 320x384, and the predictions cropped back.
_base_ = [
    '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size_divisor=64,
        test_cfg=dict(size_divisor=64)),
    backbone=dict(
        type='DDRNet',
        in_channels=3,
        channels=32,
        ppm_channels=128,
        norm_cfg=norm_cfg,
        align_corners=False),
    decode_head=dict(
        type='DDRHead',
        in_channels=32 * 4,
        channels=64,
        dropout_ratio=0.,
        num_classes=11,
        align_corners=False,
        norm_cfg=norm_cfg,
        loss_decode=[
            dict(
                type='WeightedCrossEntropyLoss',
                class_weight={{_base_.class_weight}},
                loss_weight=1.0),
            dict(
                type='WeightedCrossEntropyLoss',
                class_weight={{_base_.class_weight}},
                loss_weight=0.4),
        ]),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
