# CGNet (Wu et al., TIP 2021) with mmseg's FCN head, from scratch under the
# CamVid CPU-budget recipe (its own input normalisation kept).
_base_ = [
    'mmseg::_base_/models/cgnet.py', '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', eps=1e-03, requires_grad=True)
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(norm_cfg=norm_cfg),
    decode_head=dict(
        num_classes=11, norm_cfg=norm_cfg,
        loss_decode={{_base_.decode_loss}}))
