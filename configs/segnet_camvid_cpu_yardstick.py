# A hand-written PyTorch yardstick loop for CPU training, as a config:
# frames and labels resized to 180x240, random flip, batch 8, 3000 SGD
# iterations (lr 0.05, poly decay to 0), the published class weights, bf16
# autocast + channels-last, validation every 500 iterations at the labels'
# own 360x480 resolution. About 1.04e9 training pixels.
_base_ = ['segnet_camvid.py']
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
model = dict(data_preprocessor=dict(size=crop_size))
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

max_iters = 3000
optim_wrapper = dict(type='CPUAmpOptimWrapper', optimizer=dict(lr=0.05))
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
train_cfg = dict(max_iters=max_iters, val_interval=500)
val_cfg = dict(type='ValLoop', fp16=True)
test_cfg = dict(type='TestLoop', fp16=True)
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='SafeCheckpointHook'),
    dict(type='ChannelsLastHook')
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=250, max_keep_ckpts=2, save_best='mIoU'))
randomness = dict(seed=0)
