# SegNet with the authors' released CamVid settings (SegNet-Tutorial,
# Models/segnet_solver and _train.prototxt): encoder initialised from
# ImageNet VGG16, constant lr 0.001 for 40k iterations, batch 4, 360x480,
# no augmentation. Nothing downloads: convert torchvision's VGG16-BN
# weights first (`python tools/model_converters/convert_vgg16_bn.py
# vgg16_bn-6c64b313.pth checkpoints/vgg16_bn_segnet.pth`, or point
# model.backbone.init_cfg.checkpoint elsewhere). The authors' VGG16 had no
# BN; ours starts BN from VGG16-BN's statistics.
_base_ = ['segnet_camvid.py']
max_iters = 40000
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint='checkpoints/vgg16_bn_segnet.pth')))
optim_wrapper = dict(optimizer=dict(lr=0.001))
param_scheduler = []
train_cfg = dict(max_iters=max_iters)
# The authors' data layer only shuffles: no flip.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
