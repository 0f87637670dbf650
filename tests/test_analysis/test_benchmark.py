"""Benchmark measurements: the timing and memory helpers measure known
steps right; on a small SegNet each measurement runs, and takes the
model, optimizer, loss weights and data layout from the config."""
import itertools
import time

import pytest
import torch

from mmseg.utils import register_all_modules
from segnet_mm.analysis import benchmark as bm
from tests.utils import write_small_config

register_all_modules()


@pytest.fixture(scope='module')
def config(tmp_path_factory):
    return str(write_small_config(tmp_path_factory.mktemp('cfg') /
                                  'small.py'))


def test_matmul_peak(monkeypatch):
    assert bm.matmul_peak(torch.float32, n=64, reps=2) > 0
    # A clock ticking 0.5 s per reading: each product takes 0.5 s.
    clock = itertools.count(step=0.5)
    monkeypatch.setattr(bm.time, 'perf_counter', lambda: next(clock))
    assert bm.matmul_peak(torch.float32, n=64, reps=2) == pytest.approx(
        2 * 64**3 / 0.5 / 1e9)


def test_timed_averages_the_iterations_after_warmup():
    sleeps = iter([0.3, 0.03, 0.03])  # warmup, then two timed steps
    seconds = bm._timed(lambda: time.sleep(next(sleeps)), warmup=1,
                        iters=2)
    assert 0.03 <= seconds < 0.12


def test_peak_tensor_mib_replays_allocations_in_order():

    def overlapping():
        a = torch.ones(2**20)  # 4 MiB
        b = torch.ones(2**19)  # 2 MiB while a lives
        del a, b

    def one_after_another():
        for _ in range(3):
            a = torch.ones(2**20)
            del a

    assert bm.peak_tensor_mib(overlapping) == pytest.approx(6, abs=0.5)
    assert bm.peak_tensor_mib(one_after_another) == pytest.approx(
        4, abs=0.5)


def test_macs_and_params(config):
    cost = bm.run_measurement(dict(kind='macs', config=config, shape=[32, 48]))
    assert cost['params'] == cost['inference_params'] > 0
    assert cost['macs'] > 0 and cost['unsupported'] == {}


@pytest.mark.parametrize('bf16_channels_last,compact',
                         [(False, None), (True, True)])
def test_inference(config, bf16_channels_last, compact):
    r = bm.run_measurement(
        dict(kind='inference', config=config, shape=[32, 48],
             bf16_channels_last=bf16_channels_last, compact=compact,
             iters=1))
    assert r['seconds'] > 0 and r['peak_mib'] > 0


def test_optimizer_and_class_weights_come_from_the_config(config):
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    cfg.optim_wrapper.optimizer.lr = 0.123
    model = bm.build_model(config, channels_last=False, train=True)
    opt = bm.build_optimizer(cfg, model)
    assert type(opt).__name__ == cfg.optim_wrapper.optimizer.type
    assert opt.defaults['lr'] == 0.123
    assert opt.defaults['momentum'] == cfg.optim_wrapper.optimizer.momentum
    assert bm.decode_loss_class_weight(cfg).tolist() == pytest.approx(
        cfg.model.decode_head.loss_decode.class_weight)


def test_plain_and_runner_training_steps(config):
    plain = bm.run_measurement(
        dict(kind='plain_train', config=config, shape=[32, 48], batch=2,
             bf16_channels_last=True, compact=None, iters=1))
    runner = bm.run_measurement(
        dict(kind='runner_train', config=config, shape=[32, 48], batch=2,
             bf16_channels_last=True, compact=None, iters=1,
             data_shape=[48, 64]))
    assert plain['seconds'] > 0 and runner['seconds'] > 0


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown measurement 'nope'"):
        bm.run_measurement(dict(kind='nope'))
