# SegNet's CamVid recipe (TPAMI 2017): 360x480 inputs, SGD with momentum 0.9
# and weight decay 5e-4 (mmseg's schedule_40k: lr 0.01, poly decay), batch 4
# on one GPU, 40k iterations, cross-entropy balanced by median frequency with
# the published weights (class order of CamVidDataset).
_base_ = [
    '_base_/models/segnet.py', '_base_/datasets/camvid.py',
    '_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_40k.py'
]
crop_size = (360, 480)
class_weight = [
    0.2595, 0.1826, 4.5640, 0.1417, 0.9051, 0.3826, 9.6446, 1.8418, 0.6823,
    6.2478, 7.3614
]
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(
        num_classes=11,
        loss_decode=dict(
            type='WeightedCrossEntropyLoss', class_weight=class_weight)))
