class_weight = [
    0.2595,
    0.1826,
    4.564,
    0.1417,
    0.9051,
    0.3826,
    9.6446,
    1.8418,
    0.6823,
    6.2478,
    7.3614,
]
crop_size = (
    180,
    240,
)
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='SafeCheckpointHook'),
    dict(type='ChannelsLastHook'),
]
custom_imports = dict(
    allow_failed_imports=False, imports=[
        'segnet_mm',
    ])
data_preprocessor = dict(
    bgr_to_rgb=True,
    mean=[
        123.675,
        116.28,
        103.53,
    ],
    pad_val=0,
    seg_pad_val=255,
    std=[
        58.395,
        57.12,
        57.375,
    ],
    type='SegDataPreProcessor')
data_root = 'data/camvid'
dataset_type = 'CamVidDataset'
decode_loss = [
    dict(
        class_weight=[
            0.2595,
            0.1826,
            4.564,
            0.1417,
            0.9051,
            0.3826,
            9.6446,
            1.8418,
            0.6823,
            6.2478,
            7.3614,
        ],
        loss_weight=1.0,
        type='WeightedCrossEntropyLoss'),
    dict(
        loss_type='multi_class',
        loss_weight=1.0,
        per_image=False,
        reduction='none',
        type='LovaszLoss'),
]
default_hooks = dict(
    checkpoint=dict(
        _scope_='mmseg',
        by_epoch=False,
        interval=50,
        max_keep_ckpts=2,
        save_best='mIoU',
        type='CheckpointHook'),
    logger=dict(
        _scope_='mmseg',
        interval=10,
        log_metric_by_epoch=False,
        type='LoggerHook'),
    param_scheduler=dict(_scope_='mmseg', type='ParamSchedulerHook'),
    sampler_seed=dict(_scope_='mmseg', type='DistSamplerSeedHook'),
    timer=dict(_scope_='mmseg', type='IterTimerHook'),
    visualization=dict(_scope_='mmseg', type='SegVisualizationHook'))
default_scope = 'mmseg'
env_cfg = dict(
    cudnn_benchmark=True,
    dist_cfg=dict(backend='nccl'),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
launcher = 'none'
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=False)
max_iters = 3000
model = dict(
    backbone=dict(
        channels=(
            64,
            64,
            64,
            64,
        ),
        conv_bias=False,
        dropout_ratio=0.5,
        dropout_stages=(
            2,
            3,
        ),
        in_channels=3,
        kernel_size=7,
        norm_cfg=dict(requires_grad=True, type='BN'),
        num_convs=(
            1,
            1,
            1,
            1,
        ),
        type='SegNetEncoder'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        pad_val=0,
        seg_pad_val=255,
        size=(
            180,
            240,
        ),
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='SegDataPreProcessor'),
    decode_head=dict(
        act_cfg=None,
        align_corners=False,
        channels=64,
        conv_bias=False,
        dropout_ratio=0,
        dropout_stages=(
            2,
            3,
        ),
        in_channels=(
            64,
            64,
            64,
            64,
        ),
        in_index=(
            0,
            1,
            2,
            3,
        ),
        kernel_size=7,
        loss_decode=[
            dict(
                class_weight=[
                    0.2794,
                    0.2018,
                    4.7889,
                    0.1491,
                    1.0,
                    0.4235,
                    3.8464,
                    1.9798,
                    0.789,
                    6.3847,
                    8.8193,
                ],
                loss_weight=1.0,
                type='WeightedCrossEntropyLoss'),
            dict(
                loss_type='multi_class',
                loss_weight=1.0,
                per_image=False,
                reduction='none',
                type='LovaszLoss'),
        ],
        norm_cfg=dict(requires_grad=True, type='BN'),
        num_classes=11,
        num_convs=(
            1,
            1,
            1,
            1,
        ),
        stage_dropout_ratio=0.5,
        type='SegNetHead'),
    mc_samples=1,
    pretrained=None,
    test_cfg=dict(mode='whole'),
    train_cfg=dict(),
    type='MCDropoutEncoderDecoder')
norm_cfg = dict(requires_grad=True, type='BN')
optim_wrapper = dict(
    _scope_='mmseg',
    clip_grad=None,
    optimizer=dict(lr=0.05, momentum=0.9, type='SGD', weight_decay=0.0005),
    type='OptimWrapper')
optimizer = dict(
    _scope_='mmseg', lr=0.01, momentum=0.9, type='SGD', weight_decay=0.0005)
param_scheduler = [
    dict(
        begin=0,
        by_epoch=False,
        end=3000,
        eta_min=0.0,
        power=0.9,
        type='PolyLR'),
]
randomness = dict(seed=0)
resume = True
test_cfg = dict(_scope_='mmseg', fp16=False, type='TestLoop')
test_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_prefix=dict(img_path='test', seg_map_path='testannot'),
        data_root='data/camvid',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(keep_ratio=True, scale=(
                360,
                270,
            ), type='Resize'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
        type='CamVidDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = [
    dict(iou_metrics=[
        'mIoU',
    ], type='ClassIoUMetric'),
    dict(type='BFScoreMetric'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(keep_ratio=True, scale=(
        360,
        270,
    ), type='Resize'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_cfg = dict(
    _scope_='mmseg',
    max_iters=3000,
    type='IterBasedTrainLoop',
    val_interval=500)
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        data_prefix=dict(img_path='train', seg_map_path='trainannot'),
        data_root='data/camvid',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(
                keep_ratio=True,
                ratio_range=(
                    0.5,
                    1.0,
                ),
                scale=(
                    480,
                    360,
                ),
                type='RandomResize'),
            dict(
                cat_max_ratio=0.75, crop_size=(
                    180,
                    240,
                ), type='RandomCrop'),
            dict(prob=0.5, type='RandomFlip'),
            dict(type='PhotoMetricDistortion'),
            dict(type='PackSegInputs'),
        ],
        type='CamVidDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(
        keep_ratio=True,
        ratio_range=(
            0.5,
            1.0,
        ),
        scale=(
            480,
            360,
        ),
        type='RandomResize'),
    dict(cat_max_ratio=0.75, crop_size=(
        180,
        240,
    ), type='RandomCrop'),
    dict(prob=0.5, type='RandomFlip'),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
tta_model = dict(_scope_='mmseg', type='SegTTAModel')
val_cfg = dict(_scope_='mmseg', fp16=False, type='ValLoop')
val_dataloader = dict(
    batch_size=1,
    dataset=dict(
        data_prefix=dict(img_path='val', seg_map_path='valannot'),
        data_root='data/camvid',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(keep_ratio=True, scale=(
                360,
                270,
            ), type='Resize'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
        type='CamVidDataset'),
    num_workers=2,
    persistent_workers=True,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    iou_metrics=[
        'mIoU',
    ], type='IoUMetric')
vis_backends = [
    dict(_scope_='mmseg', type='LocalVisBackend'),
]
visualizer = dict(
    _scope_='mmseg',
    name='visualizer',
    type='SegLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
work_dir = 'work_dirs/bayes_computed_weights'
