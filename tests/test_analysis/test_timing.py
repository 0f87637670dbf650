"""segnet_mm.analysis.timing: the clocks, peaks and memory measures on known
steps, and a measurement in a fresh process."""
import itertools
import os
import time

import pytest
import torch

from segnet_mm.analysis import timing


def test_torch_matmul_peak(monkeypatch):
    assert timing.torch_matmul_peak(torch.float32, n=64, reps=2) > 0
    # A clock ticking 0.5 s per reading: each product takes 0.5 s.
    clock = itertools.count(step=0.5)
    monkeypatch.setattr(timing.time, 'perf_counter', lambda: next(clock))
    assert timing.torch_matmul_peak(torch.float32, n=64,
                                    reps=2) == pytest.approx(
                                        2 * 64**3 / 0.5 / 1e9)


def test_onnxruntime_peaks_are_measured():
    assert timing.onnxruntime_matmul_peak('float32', n=128, reps=2) > 0
    assert timing.onnxruntime_matmul_peak('int8', n=128, reps=2) > 0
    with pytest.raises(ValueError, match="'float32' or 'int8'"):
        timing.onnxruntime_matmul_peak('fp16')


def test_mean_seconds_averages_the_iterations_after_warmup():
    sleeps = iter([0.3, 0.03, 0.03])  # warmup, then two timed steps
    seconds = timing.mean_seconds(lambda: time.sleep(next(sleeps)),
                                  warmup=1, iters=2)
    assert 0.03 <= seconds < 0.12


def test_median_seconds(monkeypatch):
    """Runs of 5, 1 and 100 s after a warm-up: the median, 5 s (not the
    mean, 35.3, nor the best, 1)."""
    clock = iter([0, 5, 10, 11, 20, 120])
    monkeypatch.setattr(timing.time, 'perf_counter', lambda: next(clock))
    calls = []
    assert timing.median_seconds(lambda: calls.append(1), warmup=1,
                                 iters=3) == 5
    assert len(calls) == 4


def test_peak_tensor_mib_replays_allocations_in_order():

    def overlapping():
        a = torch.ones(2**20)  # 4 MiB
        b = torch.ones(2**19)  # 2 MiB while a lives
        del a, b

    def one_after_another():
        for _ in range(3):
            a = torch.ones(2**20)
            del a

    assert timing.peak_tensor_mib(overlapping) == pytest.approx(6, abs=0.5)
    assert timing.peak_tensor_mib(one_after_another) == pytest.approx(
        4, abs=0.5)


def test_peak_rss_and_the_benchmark_input():
    assert timing.peak_rss_mib() > 0
    x = timing.benchmark_input((4, 6))
    assert x.shape == (1, 3, 4, 6) and str(x.dtype) == 'float32'
    assert (x == timing.benchmark_input((4, 6))).all()


def test_in_fresh_process_runs_elsewhere_and_raises_here():
    assert timing.in_fresh_process(os.getpid) != os.getpid()
    with pytest.raises(ValueError, match='invalid literal'):
        timing.in_fresh_process(int, 'x')


def _start_method() -> str:
    import multiprocessing
    return multiprocessing.get_start_method()


def test_fresh_process_starts_processes_as_this_one_does():
    """Not spawned (a spawned process's default), which imports torch
    again beside the measurement."""
    assert timing.in_fresh_process(_start_method) == _start_method()
