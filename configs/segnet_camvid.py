# SegNet's CamVid recipe (TPAMI 2017): 360x480 inputs, SGD with momentum 0.9
# and weight decay 5e-4 (mmseg's schedule_40k: lr 0.01, poly decay), batch 4
# on one GPU, 40k iterations, cross-entropy balanced by median frequency with
# the published weights (class order of CamVidDataset).
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
