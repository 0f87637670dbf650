# SegNet with the authors' released CamVid settings (SegNet-Tutorial,
# Models/segnet_solver and _train.prototxt): encoder initialised from
# ImageNet VGG16, constant lr 0.001 for 40k iterations, batch 4, 360x480,
# no augmentation, the loss and checkpoint choice of segnet-basic_camvid.py
# (class-weighted cross-entropy over the labelled-pixel count, BN statistics
# recomputed before each validation every 1000 iterations, the best by val
# aAcc kept). Nothing downloads: convert torchvision's VGG16-BN weights
# first (`python tools/model_converters/convert_vgg16_bn.py
# vgg16_bn-6c64b313.pth checkpoints/vgg16_bn_segnet.pth`, or point
# model.backbone.init_cfg.checkpoint elsewhere). The authors' VGG16 had no
# BN; ours starts BN from VGG16-BN's statistics.
_base_ = [
    '_base_/models/segnet.py', '_base_/datasets/camvid.py',
    '_base_/precise-bn_runtime.py',
    '_base_/schedules/schedule_10k_constant-lr.py'
]
max_iters = 40000
crop_size = (360, 480)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint='checkpoints/vgg16_bn_segnet.pth')),
    decode_head=dict(
        num_classes=11,
        loss_decode=dict(
            type='WeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}},
            normalize='labelled_pixels')))
optim_wrapper = dict(optimizer=dict(lr=0.001))
train_cfg = dict(max_iters=max_iters)
