# UNet (Ronneberger et al., MICCAI 2015), mmseg's 5-stage UNet-S5-D16 with an
# FCN head, from scratch under the CamVid CPU-budget recipe. Its four
# poolings need sides divisible by 16: crops are padded to 192x240 (void),
# test images to 272x368, and the predictions cropped back.
_base_ = [
    'mmseg::_base_/models/fcn_unet_s5-d16.py',
    '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    data_preprocessor=dict(size_divisor=16, test_cfg=dict(size_divisor=16)),
    backbone=dict(norm_cfg=norm_cfg),
    decode_head=dict(
        num_classes=11, norm_cfg=norm_cfg,
        loss_decode={{_base_.decode_loss}}),
    auxiliary_head=dict(num_classes=11, norm_cfg=norm_cfg),
    test_cfg=dict(_delete_=True, mode='whole'))
