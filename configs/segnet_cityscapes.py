# SegNet on Cityscapes (19 classes), 512x1024 crops, SyncBN for multi-GPU
# training (reverted to BN automatically on a single device), 80k iterations.
_base_ = [
    '_base_/models/segnet.py', 'mmseg::_base_/datasets/cityscapes.py',
    '_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_80k.py'
]
crop_size = (512, 1024)
norm_cfg = dict(type='SyncBN', requires_grad=True)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(norm_cfg=norm_cfg),
    decode_head=dict(num_classes=19, norm_cfg=norm_cfg))
# One worker prepares about 15 frames/s on an AMD EPYC core (decode at
# 2048x1024, resize, crop, photometric:
# `tools/analysis_tools/benchmark_data.py`); mmseg's
# 2 workers left an H200 waiting on data for 0.07 of its 0.11 s/iteration.
train_dataloader = dict(num_workers=8)
# A resumed run skips the trained iterations' samples without loading them.
train_cfg = dict(type='FastResumeIterBasedTrainLoop')
