# Bayesian SegNet with the authors' released CamVid settings (SegNet-Tutorial,
# Models/bayesian_segnet_solver and _train.prototxt): SegNet's ImageNet-init
# recipe (segnet_camvid_imagenet-init.py) for 60k iterations, with dropout
# p=0.5 after pool3-pool5 and after the decoder's stages 5-3 (central
# dropout), tested with 16 MC-dropout samples.
_base_ = ['segnet_camvid_imagenet-init.py']
max_iters = 60000
model = dict(
    type='MCDropoutEncoderDecoder',
    mc_samples=16,
    backbone=dict(dropout_stages=(2, 3, 4), stage_dropout_ratio=0.5),
    decode_head=dict(dropout_stages=(2, 3, 4), stage_dropout_ratio=0.5))
train_cfg = dict(max_iters=max_iters)
