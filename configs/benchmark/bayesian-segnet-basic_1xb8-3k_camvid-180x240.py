# Bayesian SegNet-Basic on the CPU-budget benchmark recipe: SegNet-Basic's
# benchmark config with the authors' dropout placement (p=0.5 after encoder
# stages 2 and 3 and in the matching decoder stages, as in SegNet-Tutorial's
# bayesian_segnet_basic_train.prototxt). Validation scores weight averaging
# (mc_samples=1); Monte Carlo dropout at test time with
# `--cfg-options model.mc_samples=T`.
_base_ = ['segnet-basic_1xb8-3k_camvid-180x240.py']
model = dict(
    type='MCDropoutEncoderDecoder',
    mc_samples=1,
    backbone=dict(dropout_stages=(2, 3), stage_dropout_ratio=0.5),
    decode_head=dict(dropout_stages=(2, 3), stage_dropout_ratio=0.5))
