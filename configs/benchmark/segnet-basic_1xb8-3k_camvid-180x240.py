# SegNet-Basic, from scratch under the CamVid CPU-budget recipe (the same
# pieces as ../segnet_camvid_cpu.py, on the SegNet-Basic model base).
_base_ = [
    '../_base_/models/segnet-basic.py',
    '../_base_/datasets/camvid_180x240.py',
    '../_base_/schedules/schedule_3k_cpu-bf16.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=11, loss_decode={{_base_.decode_loss}}))
