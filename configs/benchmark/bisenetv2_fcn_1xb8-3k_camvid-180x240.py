# BiSeNetV2 (Yu et al., IJCV 2021) with mmseg's FCN head and four auxiliary
# heads, from scratch under the CamVid CPU-budget recipe. The aggregation
# layer needs sides divisible by 32: crops are padded to 192x256 (void),
# test images to 288x384, and the predictions cropped back.
_base_ = [
    'mmseg::_base_/models/bisenetv2.py',
    '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
aux_head = dict(
    type='FCNHead',
    num_convs=2,
    num_classes=11,
    norm_cfg=norm_cfg,
    concat_input=False,
    align_corners=False,
    loss_decode=dict(
        type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))
model = dict(
    data_preprocessor=dict(size_divisor=32, test_cfg=dict(size_divisor=32)),
    decode_head=dict(
        num_classes=11, norm_cfg=norm_cfg,
        loss_decode={{_base_.decode_loss}}),
    auxiliary_head=[
        dict(aux_head, in_channels=16, channels=16, in_index=1),
        dict(aux_head, in_channels=32, channels=64, in_index=2),
        dict(aux_head, in_channels=64, channels=256, in_index=3),
        dict(aux_head, in_channels=128, channels=1024, in_index=4),
    ])
