import logging
from contextlib import contextmanager

import pytest
import torch

from mmseg.registry import MODELS, OPTIM_WRAPPERS
from segnet_mm.engine import NonFiniteLossError
from segnet_mm.engine.optimizers import bf16_amp_optim_wrapper
from tests.utils import small_config


def small_segnet():
    torch.manual_seed(0)
    return MODELS.build(small_config().model)


def wrapper(model, dtype='bfloat16'):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    return OPTIM_WRAPPERS.build(
        dict(type='BF16AmpOptimWrapper', dtype=dtype, optimizer=optimizer))


def test_rejects_other_dtypes():
    with pytest.raises(TypeError, match="one of \\('bfloat16',\\)"):
        wrapper(small_segnet(), dtype='float16')


def test_bf16_loss_and_predictions_close_to_fp32():
    """Training loss (train mode) within 1%, logits and predictions
    (eval mode, as at inference) close to fp32 on a fixed input."""
    model = small_segnet().train()
    amp = wrapper(model)
    torch.manual_seed(1)
    x = torch.randn(2, 3, 64, 96)
    y = torch.randint(0, 11, (2, 64, 96))
    with torch.no_grad():
        ref_loss = torch.nn.functional.cross_entropy(
            model(x, mode='tensor'), y)
        with amp.optim_context(model):
            logits = model(x, mode='tensor')
            assert logits.dtype == torch.bfloat16
            loss = torch.nn.functional.cross_entropy(logits.float(), y)
        assert abs(loss.item() - ref_loss.item()) / ref_loss.item() < 0.01

        model.eval()
        ref_logits = model(x, mode='tensor')
        with amp.optim_context(model):
            logits = model(x, mode='tensor').float()
    assert (logits - ref_logits).norm() / ref_logits.norm() < 0.05
    agree = logits.argmax(1) == ref_logits.argmax(1)
    assert agree.float().mean() > 0.99


def test_bf16_training_step_updates_fp32_weights():
    model = small_segnet().train()
    amp = wrapper(model)
    before = [p.detach().clone() for p in model.parameters()]
    x = torch.randn(2, 3, 64, 96)
    with amp.optim_context(model):
        loss = model(x, mode='tensor').float().mean()
    amp.update_params(loss)
    params = list(model.parameters())
    assert all(p.dtype == torch.float32 for p in params)
    assert any(not torch.equal(a, b) for a, b in zip(before, params))


@pytest.mark.parametrize('bf16_hardware', [True, False])
def test_says_once_where_the_cpu_emulates_bf16(monkeypatch, bf16_hardware):
    logged = []
    monkeypatch.setattr(bf16_amp_optim_wrapper, 'cpu_has_bf16_hardware',
                        lambda: bf16_hardware)
    monkeypatch.setattr(bf16_amp_optim_wrapper, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    model = small_segnet()
    amp = wrapper(model)
    for _ in range(2):
        with amp.optim_context(model):
            pass
    if bf16_hardware:
        assert logged == []
    else:
        assert len(logged) == 1
        assert 'emulated' in logged[0]
        assert ("optim_wrapper.type='OptimWrapper', val_cfg.fp16=False "
                'and test_cfg.fp16=False in the config') in logged[0]


def test_autocasts_on_the_models_device(monkeypatch):
    """The autocast follows the weights' device (meta here, recorded: no GPU
    needed), so a GPU model is never left in fp32 under CPU autocast."""
    calls = []

    @contextmanager
    def recording_autocast(device_type, dtype):
        calls.append((device_type, dtype))
        yield

    monkeypatch.setattr(torch, 'autocast', recording_autocast)
    model = small_segnet().to('meta')
    with wrapper(model).optim_context(model):
        pass
    assert calls == [('meta', torch.bfloat16)]


nan = float('nan')


def momentum_wrapper(max_skipped_steps=3):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    amp = OPTIM_WRAPPERS.build(
        dict(
            type='BF16AmpOptimWrapper',
            optimizer=optimizer,
            max_skipped_steps=max_skipped_steps))
    return model, amp


def train_step(model, amp, bad_grad=False, bad_value=nan, elements=1):
    """One update; ``bad_grad`` puts ``bad_value`` in ``elements`` elements
    of the weight's gradient (as a bf16 backward kernel gone wrong might)
    while the loss stays finite."""
    with amp.optim_context(model):
        loss = model(torch.ones(3, 4)).float().sum()

    def spoil(grad):
        grad = grad.clone()
        grad.view(-1)[-elements:] = bad_value
        return grad

    hook = model.weight.register_hook(
        spoil if bad_grad else lambda grad: grad)
    amp.update_params(loss)
    hook.remove()


@pytest.mark.parametrize('bad_value', [nan, float('inf'), -float('inf')])
def test_skips_a_step_with_non_finite_gradients(monkeypatch, bad_value):
    """Like GradScaler: the update with a NaN gradient is skipped whole
    (weights, bias and momentum untouched), said in the log with the
    tensor's shape, and training goes on."""
    logged = []
    monkeypatch.setattr(bf16_amp_optim_wrapper, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    model, amp = momentum_wrapper()
    train_step(model, amp)
    before = [p.detach().clone() for p in model.parameters()]
    momentum = [
        amp.optimizer.state[p]['momentum_buffer'].clone()
        for p in model.parameters()
    ]
    train_step(model, amp, bad_grad=True, bad_value=bad_value)
    assert all(
        torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert all(
        torch.equal(m, amp.optimizer.state[p]['momentum_buffer'])
        for m, p in zip(momentum, model.parameters()))
    assert any('(2, 4)' in msg and 'skipped' in msg for msg in logged)
    train_step(model, amp)
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert not torch.equal(before[0], model.weight)


def test_keeps_a_step_whose_finite_gradient_sums_past_float_max():
    """Finite gradients are applied even where their sum overflows."""
    model, amp = momentum_wrapper()
    before = model.weight.detach().clone()
    train_step(model, amp, bad_grad=True, bad_value=3e38, elements=2)
    assert torch.isinf(torch.tensor([3e38, 3e38]).sum())
    moved = (before - model.weight.detach()).view(-1)
    assert torch.allclose(moved[-2:], torch.tensor([3e37, 3e37]))
    assert amp._skipped_in_a_row == 0


def test_stops_after_too_many_skipped_steps_in_a_row():
    """Skipped steps in a row are counted (a good step resets the count);
    one more than ``max_skipped_steps`` stops training, saying how to train
    in fp32."""
    model, amp = momentum_wrapper(max_skipped_steps=2)
    for bad_grad in (True, True, False, True, True):
        train_step(model, amp, bad_grad=bad_grad)
    with pytest.raises(NonFiniteLossError,
                       match="3 steps in a row.*optim_wrapper.type="
                       "'OptimWrapper'"):
        train_step(model, amp, bad_grad=True)


def test_stops_by_default_at_the_fourth_skipped_step_in_a_row():
    model, amp = momentum_wrapper()
    amp = OPTIM_WRAPPERS.build(
        dict(type='BF16AmpOptimWrapper', optimizer=amp.optimizer))
    for _ in range(3):
        train_step(model, amp, bad_grad=True)
    with pytest.raises(NonFiniteLossError) as error:
        train_step(model, amp, bad_grad=True)
    assert str(error.value) == (
        'non-finite gradients in 1 tensors (shapes (2, 4)) with a finite '
        'loss, 4 steps in a row: the bf16 backward does not work here; '
        "train in fp32 with optim_wrapper.type='OptimWrapper' in the config")


def test_warning_names_the_first_three_shapes(monkeypatch):
    """A skipped step is a warning in the run's log naming how many
    tensors were bad and the shapes of the first three."""
    logged = []
    monkeypatch.setattr(bf16_amp_optim_wrapper, 'print_log',
                        lambda msg, **kwargs: logged.append((msg, kwargs)))
    model = torch.nn.Sequential(*(torch.nn.Linear(4, n) for n in (4, 3, 2)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    amp = OPTIM_WRAPPERS.build(
        dict(type='BF16AmpOptimWrapper', optimizer=optimizer))
    for p in model.parameters():
        p.grad = torch.full_like(p, float('nan'))
    amp.step()
    assert logged == [(
        'BF16AmpOptimWrapper: non-finite gradients in 6 tensors (shapes '
        '(4, 4), (4,), (3, 4)) with a finite loss; this update is skipped '
        '(1 in a row)', dict(logger='current', level=logging.WARNING))]
