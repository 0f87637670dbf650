from types import SimpleNamespace

import pytest
import torch
from mmengine.hooks import CheckpointHook, Hook
from mmengine.logging import MessageHub
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop, Runner

from segnet_mm.engine import NonFiniteLossError, NonFiniteLossHook
from segnet_mm.engine.hooks.non_finite_loss_hook import non_finite_indices
from tests.utils import cfg_options, data_options, short_schedule, small_config


def runner(iteration=6, last_ckpt='work/iter_5.pth', weight=1.0,
           checkpoint_interval=4, val_interval=5, max_iters=100):
    """A runner after ``iteration`` + 1 iterations of ``max_iters``, with
    an iteration-based CheckpointHook and train loop."""
    hub = MessageHub.get_instance('test_non_finite_loss_hook')
    hub.update_info('last_ckpt', last_ckpt)
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight[0, 1] = weight
    loop = IterBasedTrainLoop.__new__(IterBasedTrainLoop)
    loop.val_interval = val_interval
    run = SimpleNamespace(
        iter=iteration, max_iters=max_iters, message_hub=hub, model=model,
        train_loop=loop,
        hooks=[CheckpointHook(interval=checkpoint_interval, by_epoch=False)])
    return run


def after_iteration(run, loss=1.5):
    hook = NonFiniteLossHook()
    hook.before_train(run)
    hook.after_train_iter(run, 0, outputs=dict(loss=torch.tensor(loss)))


def test_finite_loss_passes():
    after_iteration(runner())


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_loss_names_iteration_and_checkpoint(value):
    with pytest.raises(NonFiniteLossError,
                       match=rf'loss is {value} at iteration 7.*'
                       r'work/iter_5.pth'):
        after_iteration(runner(), loss=value)


def test_non_finite_float_loss_and_no_checkpoint_yet():
    """A loss logged as a Python float is checked too; before the first
    checkpoint the error says none was saved."""
    hook = NonFiniteLossHook()
    run = runner(last_ckpt=None)
    hook.before_train(run)
    with pytest.raises(NonFiniteLossError) as error:
        hook.after_train_iter(run, 0, outputs=dict(loss=float('nan')))
    assert str(error.value) == (
        'loss is nan at iteration 7; training stopped before saving. Last '
        'good checkpoint: none saved yet')


def test_weights_not_checked_before_save_begin():
    """A CheckpointHook's first save is at its save_begin: no weight check
    before it."""
    run = runner(iteration=7, weight=float('nan'))
    run.hooks = [CheckpointHook(interval=4, by_epoch=False, save_begin=10)]
    after_iteration(run)  # iteration 8: no save yet
    run.iter = 13  # iteration 14 = save_begin + interval
    with pytest.raises(NonFiniteLossError, match='weights are not finite'):
        after_iteration(run)


def test_epoch_based_loop_checks_weights_at_epoch_ends_only():
    """Its val_interval counts epochs, not iterations: after an iteration
    only the loss is checked."""
    run = runner(iteration=4, weight=float('nan'))
    run.train_loop = EpochBasedTrainLoop.__new__(EpochBasedTrainLoop)
    run.train_loop.val_interval = 1
    run.hooks = [CheckpointHook(interval=1, by_epoch=True)]
    after_iteration(run)


@pytest.mark.parametrize('iteration', [
    7,  # iteration 8: the CheckpointHook saves (interval 4)
    9,  # iteration 10: validation (interval 5), so save_best may save
    99,  # the last iteration: save_last
])
@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_weights_stop_before_a_save_or_validation(value,
                                                             iteration):
    """A finite loss whose update made a weight non-finite stops training
    before anything could save it, naming the last good checkpoint."""
    with pytest.raises(NonFiniteLossError,
                       match=rf'weights are not finite \(1 tensors, first '
                       rf'weight\) at iteration {iteration + 1}; .*'
                       r'Last good checkpoint: work/iter_5.pth'):
        after_iteration(runner(iteration=iteration, weight=value))


def test_non_finite_indices_is_exact():
    """NaN and +-inf are found wherever they are; finite values whose sum
    overflows (the screen) are not reported."""
    big = torch.full((4, ), torch.finfo(torch.float32).max)
    big_half = torch.full((10, ), 6e4, dtype=torch.float16)
    tensors = [torch.ones(3), big, torch.ones(2, 2), torch.zeros(5), big_half]
    assert non_finite_indices(tensors) == []
    assert non_finite_indices([]) == []
    tensors[2][1, 0] = float('nan')
    tensors[3][4] = float('-inf')
    assert non_finite_indices(tensors) == [2, 3]
    tensors[0][0] = float('inf')
    assert non_finite_indices(tensors) == [0, 2, 3]
    sparse = torch.sparse_coo_tensor([[0, 2]], [1.0, float('nan')], (4, ),
                                     check_invariants=True)
    assert non_finite_indices([sparse, big]) == [0]


def test_weights_not_checked_between_saves():
    """Elsewhere only the loss is checked: the next loss will be
    non-finite."""
    after_iteration(runner(iteration=5, weight=float('nan')))


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_epoch_end_checks_the_weights(value):
    """Epoch-based training: the weights are checked after every epoch,
    before its checkpoint (CheckpointHook runs at lower priority)."""
    hook = NonFiniteLossHook()
    run = runner(iteration=5)
    hook.before_train(run)
    hook.after_train_epoch(run)
    run = runner(iteration=5, weight=value)
    with pytest.raises(NonFiniteLossError,
                       match=r'weights are not finite \(1 tensors, first '
                       r'weight\) at iteration 6; .*work/iter_5.pth'):
        hook.after_train_epoch(run)
    assert hook.priority == 'ABOVE_NORMAL'
    assert CheckpointHook.priority == 'VERY_LOW'


class PoisonWeight(Hook):
    """Makes a weight NaN after the update of iteration ``at``."""

    def __init__(self, at):
        self.at = at

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter + 1 == self.at:
            with torch.no_grad():
                next(runner.model.parameters()).view(-1)[0] = float('nan')


def test_runner_keeps_last_good_checkpoint(tmp_path, camvid_root):
    """In mmengine's Runner: weights poisoned at a checkpoint iteration
    (4) stop training before CheckpointHook saves them or deletes the
    kept iter_2.pth (max_keep_ckpts=1)."""
    cfg = small_config()
    cfg.merge_from_dict(cfg_options(
        data_options(camvid_root) + short_schedule(6) +
        ['default_hooks.checkpoint.interval=2',
         'default_hooks.checkpoint.max_keep_ckpts=1']))
    cfg.work_dir = str(tmp_path)
    cfg.experiment_name = 'poisoned_weights'
    cfg.visualizer.name = cfg.experiment_name
    runner = Runner.from_cfg(cfg)
    runner.register_hook(PoisonWeight(at=4), 'HIGHEST')
    with pytest.raises(NonFiniteLossError,
                       match=r'weights are not finite .* at iteration 4; .*'
                       rf'Last good checkpoint: {tmp_path}/iter_2.pth'):
        runner.train()
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == ['iter_2.pth']
