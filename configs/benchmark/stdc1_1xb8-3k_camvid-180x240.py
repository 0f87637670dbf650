# STDC1 (Fan et al., CVPR 2021) as mmseg's STDC1 (FCN head, two auxiliary
# FCN heads and the two-class boundary head), from scratch under the CamVid
# CPU-budget recipe. The decode head trains on the recipe's loss without
# mmseg's OHEM sampler; the auxiliary heads keep theirs. Its context path
# needs sides divisible by 32: crops are padded to 192x256 (void), test
# images to 288x384, and the predictions cropped back.
_base_ = [
    'mmseg::_base_/models/stdc.py', '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
aux_head = dict(
    type='FCNHead',
    in_channels=128,
    channels=64,
    num_convs=1,
    num_classes=11,
    norm_cfg=norm_cfg,
    concat_input=False,
    align_corners=False,
    sampler=dict(type='OHEMPixelSampler', thresh=0.7, min_kept=10000),
    loss_decode=dict(
        type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))
model = dict(
    data_preprocessor=dict(size_divisor=32, test_cfg=dict(size_divisor=32)),
    decode_head=dict(
        num_classes=11, sampler=None, loss_decode={{_base_.decode_loss}}),
    auxiliary_head=[
        dict(aux_head, in_index=2),
        dict(aux_head, in_index=1),
        dict(
            type='STDCHead',
            in_channels=256,
            channels=64,
            num_convs=1,
            num_classes=2,
            boundary_threshold=0.1,
            in_index=0,
            norm_cfg=norm_cfg,
            concat_input=False,
            align_corners=True,
            loss_decode=[
                dict(
                    type='CrossEntropyLoss',
                    loss_name='loss_ce',
                    use_sigmoid=True,
                    loss_weight=1.0),
                dict(type='DiceLoss', loss_name='loss_dice', loss_weight=1.0)
            ]),
    ])
