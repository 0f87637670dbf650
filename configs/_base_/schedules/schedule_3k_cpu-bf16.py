# The CPU-budget recipe's schedule and runtime: SGD (momentum 0.9, weight
# decay 5e-4) at lr 0.05 with poly decay to 0 over 3000 iterations, bf16
# autocast without loss scaling (BF16AmpOptimWrapper, on the CPU or a GPU),
# channels-last weights, a stop at the first non-finite loss, validation
# every 500 iterations, checkpoints every 250 (the last two and the best
# on val kept), seed 0, and a resume that skips the trained iterations'
# samples without loading them (FastResumeIterBasedTrainLoop).
_base_ = [
    '../default_runtime.py', 'mmseg::_base_/schedules/schedule_40k.py'
]
max_iters = 3000
optim_wrapper = dict(type='BF16AmpOptimWrapper', optimizer=dict(lr=0.05))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(
    type='FastResumeIterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=500)
val_cfg = dict(type='ValLoop', fp16=True)
test_cfg = dict(type='TestLoop', fp16=True)
# default_runtime.py's hooks plus channels-last (a test checks that every
# config keeps the runtime's hooks).
custom_hooks = [
    dict(type='NonFiniteLossHook'),
    dict(type='SafeCheckpointHook'),
    dict(type='ChannelsLastHook')
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=250, max_keep_ckpts=2, save_best='mIoU'))
randomness = dict(seed=0)
