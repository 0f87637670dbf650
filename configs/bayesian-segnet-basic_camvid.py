# Bayesian SegNet-Basic (Kendall, Badrinarayanan, Cipolla, BMVC 2017) with the
# authors' released settings (SegNet-Tutorial, Models/bayesian_segnet_basic_*
# .prototxt): SegNet-Basic's solver (constant lr 0.1, 10k iterations, batch
# 4) with dropout p=0.5 after pool3 and pool4 (encoder stages 2, 3) and after
# the decoder convs of those stages (conv_decode4, conv_decode3). Tested with
# Monte Carlo dropout: the mean softmax of 16 stochastic passes;
# `--cfg-options model.mc_samples=1` scores weight averaging (dropout off).
_base_ = ['segnet-basic_camvid.py']
model = dict(
    type='MCDropoutEncoderDecoder',
    mc_samples=16,
    backbone=dict(dropout_stages=(2, 3), stage_dropout_ratio=0.5),
    decode_head=dict(dropout_stages=(2, 3), stage_dropout_ratio=0.5))
