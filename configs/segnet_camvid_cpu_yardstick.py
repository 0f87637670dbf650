# A hand-written PyTorch yardstick loop for CPU training, as a config:
# frames and labels resized to 180x240, random flip, batch 8, 3000 SGD
# iterations (lr 0.05, poly decay to 0), the published class weights, bf16
# autocast + channels-last, validation every 500 iterations at the labels'
# own 360x480 resolution. About 1.04e9 training pixels.
_base_ = [
    '_base_/models/segnet.py', '_base_/datasets/camvid.py',
    '_base_/schedules/schedule_3k_cpu-bf16.py'
]
crop_size = (180, 240)  # (h, w)
train_scale = crop_size[::-1]  # (w, h), mmseg's Resize order
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=train_scale, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=train_scale, keep_ratio=False),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(
        num_classes=11,
        loss_decode=dict(
            type='WeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}})))
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
