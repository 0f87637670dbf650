# SegNet on CamVid from scratch on a CPU budget. The yardstick's compute
# (3000 iterations x 8 crops of 180x240, ~1.04e9 training pixels, bf16
# autocast + channels-last) spent on scale-jittered random crops (0.5-1.0 of
# 360x480) with photometric distortion, trained with class-weighted
# cross-entropy plus the Lovasz-softmax loss, evaluated at 3/4 scale
# (270x360) and scored at the labels' 360x480; `tools/test.py --tta` averages
# each prediction with its horizontal flip's. README "CamVid on a CPU
# budget" has the ablations behind each choice and the CPU run's results.
_base_ = ['segnet_camvid_cpu_yardstick.py']
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
model = dict(
    decode_head=dict(loss_decode=[
        dict(
            type='WeightedCrossEntropyLoss',
            loss_weight=1.0,
            class_weight={{_base_.class_weight}}),
        dict(
            type='LovaszLoss',
            loss_type='multi_class',
            per_image=False,
            reduction='none',
            loss_weight=1.0)
    ]))
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
