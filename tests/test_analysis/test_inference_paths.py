"""segnet_mm.analysis.int8_speed: the table's arithmetic on fixed numbers,
the median of the timed runs, and each path measured in-process on a small
SegNet on one input with one thread."""
from importlib import import_module

import numpy as np
import pytest
import torch

from segnet_mm.analysis import (PathSpeed, benchmark_input, int8_speed,
                                median_seconds, onnxruntime_matmul_peak,
                                speed_table)
from tests.conftest import REPO_ROOT

# The module (the package exports its function of the same name).
int8_speed_module = import_module('segnet_mm.analysis.int8_speed')


def test_speed_table_arithmetic():
    rows = [
        PathSpeed('bf16', ms=500.0, peak_gops=400.0, peak_rss_mib=300.0,
                  threads=2),
        PathSpeed('onnxruntime int8', ms=250.0, peak_gops=800.0,
                  peak_rss_mib=200.0, threads=2),
    ]
    table = speed_table(rows, macs=50 * 10**9).splitlines()
    assert table[0].startswith('| path | ms/img | GOP/s |')
    # 2 x 50 GMACs in 0.5 s = 200 GOP/s = 50% of 400; 1.00x itself.
    assert table[2] == '| bf16 | 500.0 | 200.0 | 50% (400) | 1.00 | 300 |'
    # In 0.25 s: 400 GOP/s = 50% of 800, twice as fast as bf16.
    assert table[3] == ('| onnxruntime int8 | 250.0 | 400.0 | 50% (800) | '
                        '2.00 | 200 |')
    assert '| - |' in speed_table(rows[1:], macs=10**9)


def test_onnxruntime_peaks_are_measured():
    assert onnxruntime_matmul_peak('float32', n=128, reps=2) > 0
    assert onnxruntime_matmul_peak('int8', n=128, reps=2) > 0
    with pytest.raises(ValueError, match="'float32' or 'int8'"):
        onnxruntime_matmul_peak('fp16')


def test_median_seconds(monkeypatch):
    """Runs of 5, 1 and 100 s after a warm-up: the median, 5 s (not the
    mean, 35.3, nor the best, 1)."""
    clock = iter([0, 5, 10, 11, 20, 120])
    monkeypatch.setattr(int8_speed_module.time, 'perf_counter',
                        lambda: next(clock))
    calls = []
    assert median_seconds(lambda: calls.append(1), warmup=1, iters=3) == 5
    assert len(calls) == 4


def test_int8_speed_measures_each_path(tmp_path, monkeypatch):
    """Every path runs on the same input (and on what it is given: other
    inputs give other logits) and on the threads asked for (PyTorch's and
    the ONNX Runtime session's)."""
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    calls, runs, inputs = [], {}, {}
    path_runner = int8_speed_module._path_runner

    def recording_runner(name, *args):
        run, threads = path_runner(name, *args)
        runs[name] = run

        def recorded(x):
            inputs.setdefault(name, []).append(x)
            return run(x)

        return recorded, threads

    monkeypatch.setattr(int8_speed_module, '_path_runner', recording_runner)
    threads = torch.get_num_threads()

    def in_process(fn, *args):
        calls.append(fn.__name__)
        try:
            return fn(*args)
        finally:
            torch.set_num_threads(threads)

    paths = ('fp32', 'onnxruntime fp32', 'onnxruntime int8')
    rows = int8_speed(str(config), (32, 48), paths, iters=1, threads=1,
                      runner=in_process)
    assert calls == ['_export'] + ['_measure_path'] * 3
    assert [r.name for r in rows] == list(paths)
    assert all(r.ms > 0 and r.peak_gops > 0 and r.peak_rss_mib > 0
               for r in rows)
    assert [r.threads for r in rows] == [1, 1, 1]
    assert list(inputs) == list(paths)
    x = benchmark_input((32, 48))
    for name, fed in inputs.items():
        assert len(fed) == 3  # 2 warm-up runs and 1 timed
        assert all(np.array_equal(f, x) for f in fed), name
        logits = [np.asarray(runs[name](i)) for i in (x, x, -x)]
        assert np.array_equal(logits[0], logits[1]), name
        assert not np.allclose(logits[0], logits[2]), name
    with pytest.raises(ValueError, match='unknown paths'):
        int8_speed(str(config), paths=('int4', ))
