"""segnet_mm.analysis.report: the printed tables and lines on fixed
measured numbers."""
import pytest

from segnet_mm.analysis import report
from segnet_mm.analysis.inference_paths import PathSpeed


def test_markdown_table():
    assert report.markdown_table(['a', 'b'], [[1, ''], ['x', 2.5]]) == (
        '| a | b |\n|---|---|\n| 1 |  |\n| x | 2.5 |')


def test_path_speed_table_arithmetic():
    rows = [
        PathSpeed('bf16', ms=500.0, peak_gops=400.0, peak_rss_mib=300.0,
                  threads=2),
        PathSpeed('onnxruntime int8', ms=250.0, peak_gops=800.0,
                  peak_rss_mib=200.0, threads=2),
    ]
    table = report.path_speed_table(rows, macs=50 * 10**9).splitlines()
    assert table[0].startswith('| path | ms/img | GOP/s |')
    # 2 x 50 GMACs in 0.5 s = 200 GOP/s = 50% of 400; 1.00x itself.
    assert table[2] == '| bf16 | 500.0 | 200.0 | 50% (400) | 1.00 | 300 |'
    # In 0.25 s: 400 GOP/s = 50% of 800, twice as fast as bf16.
    assert table[3] == ('| onnxruntime int8 | 250.0 | 400.0 | 50% (800) | '
                        '2.00 | 200 |')
    assert '| - |' in report.path_speed_table(rows[1:], macs=10**9)


def test_path_speed_table_against_the_fastest_float_path():
    rows = [
        PathSpeed(name, ms=ms, peak_gops=100.0, peak_rss_mib=1.0, threads=2)
        for name, ms in [('bf16', 500.0), ('openvino bf16', 400.0),
                         ('openvino int8', 200.0)]
    ]
    table = report.path_speed_table(rows, macs=10**9).splitlines()
    assert table[0].endswith('| x openvino bf16 | peak RSS MiB |')
    assert [line.split(' | ')[4] for line in table[2:]] == [
        '0.80', '1.00', '2.00']


def test_mc_dropout_table_against_weight_averaging():
    assert report.mc_dropout_table({1: 100.0, 4: 350.0}).splitlines() == [
        '| T | ms/img | x weight averaging |', '|---|---|---|',
        '| 1 | 100 | 1.00 |', '| 4 | 350 | 3.50 |'
    ]
    assert report.mc_dropout_table({2: 200.0}).endswith('| 2 | 200 |  |')


@pytest.mark.parametrize('value, digits, text', [(None, 2, ''),
                                                 (float('nan'), 2, ''),
                                                 (1.234, 1, '1.2')])
def test_blank_where_not_measured(value, digits, text):
    assert report._fmt(value, digits) == text


def test_op_time_table():
    table = report.op_time_table({
        'a': {'Conv': 2.0, 'Mod': 1.0},
        'b': {'Conv': 1.5, 'Resize': 0.25}
    })
    assert table.splitlines() == [
        '| op kind | a ms | b ms |', '|---|---|---|',
        '| Conv | 2.0 | 1.5 |', '| Mod | 1.0 | - |',
        '| Resize | - | 0.2 |', '| total | 3.0 | 1.8 |'
    ]
