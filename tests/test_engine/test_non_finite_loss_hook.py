from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub

from segnet_mm.engine import NonFiniteLossError, NonFiniteLossHook


def runner(iteration=6, last_ckpt='work/iter_5.pth', weight=1.0):
    hub = MessageHub.get_instance('test_non_finite_loss_hook')
    hub.update_info('last_ckpt', last_ckpt)
    model = torch.nn.Linear(2, 2)
    with torch.no_grad():
        model.weight[0, 1] = weight
    return SimpleNamespace(iter=iteration, message_hub=hub, model=model)


def test_finite_loss_passes():
    NonFiniteLossHook().after_train_iter(
        runner(), 0, outputs=dict(loss=torch.tensor(1.5)))


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_loss_names_iteration_and_checkpoint(value):
    with pytest.raises(NonFiniteLossError,
                       match=r'at iteration 7.*work/iter_5.pth'):
        NonFiniteLossHook().after_train_iter(
            runner(), 0, outputs=dict(loss=torch.tensor(value)))


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_weights_are_not_saved(value):
    """A finite loss whose update made a weight non-finite: the next
    checkpoint is refused, naming the tensor."""
    run = runner(weight=value)
    hook = NonFiniteLossHook()
    hook.after_train_iter(run, 0, outputs=dict(loss=torch.tensor(1.5)))
    with pytest.raises(NonFiniteLossError,
                       match=r'weights are not finite \(1 tensors, first '
                       r'weight\) at iteration 7.*work/iter_5.pth'):
        hook.before_save_checkpoint(
            run, dict(state_dict=run.model.state_dict()))


def test_finite_weights_saved():
    run = runner()
    NonFiniteLossHook().before_save_checkpoint(
        run, dict(state_dict=run.model.state_dict()))
