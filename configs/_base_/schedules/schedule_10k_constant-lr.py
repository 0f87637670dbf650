# The solver SegNet's authors released with their Caffe models
# (SegNet-Tutorial, Models/*_solver.prototxt): SGD with momentum 0.9 and
# weight decay 5e-4 at a constant learning rate (lr_policy "step" with
# gamma 1), snapshots every 1000 iterations. This base is SegNet-Basic's
# (lr 0.1, 10k iterations); SegNet's solvers use lr 0.001 for 40k (60k for
# Bayesian SegNet): leaves set `optim_wrapper.optimizer.lr` and `max_iters`.
# The released solvers test nothing while training (test_interval 1e7); the
# paper validates every 1000 iterations and reports the test scores of the
# iteration with the highest val global accuracy. So: validation every 1000
# iterations, every score in the log, and the best checkpoint by val aAcc
# kept beside the last two. A resumed run skips the trained iterations'
# samples without loading them (FastResumeIterBasedTrainLoop).
_base_ = ['mmseg::_base_/schedules/schedule_40k.py']
max_iters = 10000
optim_wrapper = dict(optimizer=dict(lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = []
train_cfg = dict(
    type='FastResumeIterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=1000)
default_hooks = dict(
    checkpoint=dict(
        interval=1000, max_keep_ckpts=2, save_best='aAcc', rule='greater'))
