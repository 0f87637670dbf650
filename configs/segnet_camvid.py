# SegNet on CamVid from scratch (nothing downloads here): 360x480 inputs,
# batch 4, SGD with momentum 0.9 and weight decay 5e-4, cross-entropy
# balanced by the published median-frequency weights (class order of
# CamVidDataset), void ignored. The authors fine-tuned from ImageNet VGG16 at
# a constant lr 0.001 for 40k iterations without augmentation
# (segnet_camvid_imagenet-init.py); from scratch we train with mmseg's
# schedule_40k (lr 0.01, poly decay) and random horizontal flips.
_base_ = [
    '_base_/models/segnet.py', '_base_/datasets/camvid.py',
    '_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_40k.py'
]
crop_size = (360, 480)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(
        num_classes=11,
        loss_decode=dict(
            type='WeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}})))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# A resumed run skips the trained iterations' samples without loading them.
train_cfg = dict(type='FastResumeIterBasedTrainLoop')
