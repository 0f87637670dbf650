# SegNet-Basic (TPAMI 2017, Sec. 4.1) from scratch with the authors' released
# CamVid training settings (SegNet-Tutorial, Models/segnet_basic_solver and
# _train.prototxt): 360x480 frames, batch 4, no augmentation, SGD momentum
# 0.9, weight decay 5e-4, constant lr 0.1 for 10k iterations (the tutorial's
# solver; the paper trained with batch 12 until the loss converged),
# cross-entropy weighted by the published median-frequency weights and
# divided by the number of labelled pixels (Caffe's SoftmaxWithLoss), void
# (11) ignored. BN statistics recomputed over the training split before each
# validation (every 1000 iterations) and the last checkpoint, the best by
# val aAcc kept (the paper's checkpoint choice).
# Differs from the Caffe model: mmseg's mean/std normalisation instead of
# the LRN on raw pixels (configs/ablations/segnet-basic_camvid_lrn-input.py
# has the LRN; which one wins is decided on val), no conv bias before BN,
# BN's epsilon 1e-5 (Caffe's 1e-9), and the statistics over one pass of
# 91 batches (the authors' script takes 94, 9 frames twice).
_base_ = [
    '_base_/models/segnet-basic.py', '_base_/datasets/camvid.py',
    '_base_/precise-bn_runtime.py',
    '_base_/schedules/schedule_10k_constant-lr.py'
]
crop_size = (360, 480)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    decode_head=dict(
        num_classes=11,
        loss_decode=dict(
            type='WeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}},
            normalize='labelled_pixels')))
# The test split also scores the softmax's calibration and how well its
# entropy finds the misclassified pixels (CalibrationMetric; `--tta` drops it:
# SegTTAModel keeps only the last view's logits, not the mean it predicts
# from).
test_evaluator = [
    dict(type='ClassIoUMetric', iou_metrics=['mIoU']),
    dict(type='BFScoreMetric'),
    dict(type='CalibrationMetric')
]
