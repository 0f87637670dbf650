# Bayesian SegNet (Kendall, Badrinarayanan, Cipolla, BMVC 2017): SegNet with
# dropout (p=0.5) after the three deepest encoder stages and after the
# three deepest decoder stages ("central" dropout), trained like SegNet and
# tested with Monte Carlo dropout: the prediction is the mean softmax of
# mc_samples stochastic passes, with entropy and variance maps alongside.
# model.mc_samples=1 gives the deterministic network (weight averaging).
# From scratch, on segnet_camvid.py's schedule; the authors' settings (VGG16
# init, lr 0.001 for 60k iterations) are
# bayesian-segnet_camvid_imagenet-init.py.
_base_ = ['segnet_camvid.py']
model = dict(
    type='MCDropoutEncoderDecoder',
    mc_samples=16,
    backbone=dict(dropout_stages=(2, 3, 4), stage_dropout_ratio=0.5),
    decode_head=dict(dropout_stages=(2, 3, 4), stage_dropout_ratio=0.5))
