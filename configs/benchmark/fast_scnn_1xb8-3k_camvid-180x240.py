# Fast-SCNN (Poudel et al., BMVC 2019) with mmseg's head and two auxiliary
# heads, from scratch under the CamVid CPU-budget recipe. Its global feature
# extractor needs sides divisible by 32: crops are padded to 192x256 (void),
# test images to 288x384, and the predictions cropped back.
_base_ = [
    'mmseg::_base_/models/fast_scnn.py',
    '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True, momentum=0.01)
aux_head = dict(
    type='FCNHead',
    channels=32,
    num_convs=1,
    num_classes=11,
    norm_cfg=norm_cfg,
    concat_input=False,
    align_corners=False,
    loss_decode=dict(
        type='CrossEntropyLoss', use_sigmoid=True, loss_weight=0.4))
model = dict(
    data_preprocessor=dict(size_divisor=32, test_cfg=dict(size_divisor=32)),
    backbone=dict(norm_cfg=norm_cfg),
    decode_head=dict(
        num_classes=11, norm_cfg=norm_cfg,
        loss_decode={{_base_.decode_loss}}),
    auxiliary_head=[
        dict(aux_head, in_channels=128, in_index=-2),
        dict(aux_head, in_channels=64, in_index=-3),
    ])
