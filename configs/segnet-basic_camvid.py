# SegNet-Basic (TPAMI 2017, Sec. 4.1) with the CamVid recipe of
# segnet_camvid.py: 360x480 inputs, batch 4, 40k iterations of mmseg's
# schedule_40k, cross-entropy balanced by the published median-frequency
# weights.
_base_ = [
    '_base_/models/segnet-basic.py', '_base_/datasets/camvid.py',
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
