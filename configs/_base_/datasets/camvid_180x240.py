# CamVid for the CPU-budget recipe: scale jitter (0.5-1.0 of 360x480), random
# 180x240 crops, flip and photometric distortion, batch 8; evaluation at 3/4
# scale (270x360), scored at the labels' 360x480. `decode_loss` is the
# recipe's decode-head loss (CE with CamVid's median-frequency class weights
# plus Lovasz-softmax, `lovasz_loss`): leaves set
# `loss_decode={{_base_.decode_loss}}`.
_base_ = ['camvid.py']
crop_size = (180, 240)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(
        type='RandomResize',
        scale=(480, 360),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(360, 270), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
lovasz_loss = dict(
    type='LovaszLoss',
    loss_type='multi_class',
    per_image=False,
    reduction='none',
    loss_weight=1.0)
decode_loss = [
    dict(
        type='WeightedCrossEntropyLoss',
        loss_weight=1.0,
        class_weight={{_base_.class_weight}}), lovasz_loss
]
