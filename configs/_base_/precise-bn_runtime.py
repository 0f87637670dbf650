# Our runtime, with every BN layer's statistics recomputed over one shuffled
# pass of the training split (dropout off) before each validation and
# before the last checkpoint: PreciseBNHook, SegNet's authors'
# compute_bn_statistics.py (SegNet-Tutorial, Scripts/) inside training, as
# the paper evaluates ("a complete run through the dataset to obtain batch
# norm statistics").
_base_ = ['default_runtime.py']
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='SafeCheckpointHook'),
    dict(type='PreciseBNHook')
]
