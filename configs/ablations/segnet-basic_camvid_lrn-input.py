# SegNet-Basic with the Caffe model's input: raw BGR pixels (0-255) through a
# cross-channel LRN (local_size 5, alpha 1e-4, beta 0.75, k 1) instead of
# mmseg's mean/std normalisation; otherwise ../segnet-basic_camvid.py.
_base_ = ['../segnet-basic_camvid.py']
model = dict(
    data_preprocessor=dict(mean=[0.0, 0.0, 0.0], std=[1.0, 1.0, 1.0],
                           bgr_to_rgb=False),
    backbone=dict(input_lrn=dict(size=5, alpha=1e-4, beta=0.75, k=1.0)))
