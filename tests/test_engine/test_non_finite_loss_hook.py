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
def test_non_finite_weights_stop_before_saving(value):
    """A finite loss whose update made a weight non-finite stops too, so
    no checkpoint ever holds it."""
    with pytest.raises(NonFiniteLossError,
                       match=r'weights are not finite after the update '
                       r'\(1 tensors, first weight\) at iteration 7'):
        NonFiniteLossHook().after_train_iter(
            runner(weight=value), 0, outputs=dict(loss=torch.tensor(1.5)))
