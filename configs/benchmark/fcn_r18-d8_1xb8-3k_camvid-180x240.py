# FCN (Long et al., CVPR 2015) on a dilated ResNet-18 (output stride 8), as
# mmseg's fcn_r18-d8, from scratch under the CamVid CPU-budget recipe.
_base_ = [
    'mmseg::_base_/models/fcn_r50-d8.py', '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    pretrained=None,
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(depth=18, norm_cfg=norm_cfg),
    decode_head=dict(
        in_channels=512,
        channels=128,
        num_classes=11,
        norm_cfg=norm_cfg,
        loss_decode={{_base_.decode_loss}}),
    auxiliary_head=dict(
        in_channels=256, channels=64, num_classes=11, norm_cfg=norm_cfg))
