"""segnet_mm.analysis.int8_speed: the table's arithmetic on fixed numbers,
and each path measured in-process on a small SegNet-Basic."""
import pytest

from segnet_mm.analysis import (PathSpeed, int8_speed,
                                onnxruntime_matmul_peak, speed_table)
from tests.conftest import REPO_ROOT


def test_speed_table_arithmetic():
    rows = [
        PathSpeed('bf16', ms=500.0, peak_gops=400.0, peak_rss_mib=300.0),
        PathSpeed('onnxruntime int8', ms=250.0, peak_gops=800.0,
                  peak_rss_mib=200.0),
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


def test_int8_speed_measures_each_path(tmp_path):
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    calls = []

    def in_process(fn, *args):
        calls.append(fn.__name__)
        return fn(*args)

    rows = int8_speed(str(config), (32, 48), ('fp32', 'onnxruntime int8'),
                      iters=1, runner=in_process)
    assert calls == ['_export', '_measure_path', '_measure_path']
    assert [r.name for r in rows] == ['fp32', 'onnxruntime int8']
    assert all(r.ms > 0 and r.peak_gops > 0 and r.peak_rss_mib > 0
               for r in rows)
    with pytest.raises(ValueError, match='unknown paths'):
        int8_speed(str(config), paths=('int4', ))
