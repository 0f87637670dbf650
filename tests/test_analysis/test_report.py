"""segnet_mm.analysis.report: the printed tables and lines on fixed
measured numbers."""
import pytest

from segnet_mm.analysis import report
from segnet_mm.analysis.inference_paths import PathSpeed
from segnet_mm.analysis.speed_suite import PLAIN_FAST, RUNNER_FAST


def test_markdown_table():
    assert report.markdown_table(['a', 'b'], [[1, ''], ['x', 2.5]]) == (
        '| a | b |\n|---|---|\n| 1 |  |\n| x | 2.5 |')


def test_inference_table_rows():
    row = dict(model='SegNet', shape=[360, 480], path='fp32',
               params=1_416_075, macs=3e9, seconds=0.5, peak_mib=512.4,
               gflops=12.0, pct_peak=30.0)
    lines = report.inference_table([row]).splitlines()
    assert lines[0].startswith('| model | input | params (M) |')
    assert lines[2] == ('| SegNet | 360x480 | 1.42 | 3.0 | fp32 | 500 | '
                        '2.00 | 12 | 30% | 512 |')


def test_peak_line():
    assert report.peak_line(dict(fp32=12.4, bf16=30.6), 2) == (
        'matmul peak (4096^3, best of 5, before and after): fp32 12 '
        'GFLOP/s, bf16 31 GFLOP/s, 2 threads')


def test_training_table_per_image_and_missing_memory():
    lines = report.training_table(
        {
            PLAIN_FAST: dict(seconds=2.0, peak_mib=700.2),
            RUNNER_FAST: dict(seconds=3.0)
        }, batch=8).splitlines()
    assert lines[2] == '| plain loop bf16+CL | 2.00 | 0.250 | 700 |'
    assert lines[3] == '| Runner bf16+CL (config) | 3.00 | 0.375 | – |'


def test_ratios_text():
    text = report.ratios_text(
        dict(runner_vs_plain_fast=1.1, runner_fast_speedup_vs_fp32=4.0,
             inference_pct_bf16_peak=65.0, inference_mem_fast_vs_fp32=0.6))
    assert 'Runner fast / plain bf16+CL loop: 1.10x (target <= 1.1)' in text
    assert 'Runner fp32 / Runner fast: 4.00x (target >= 4)' in text
    assert 'fast path: 65% of the bf16 matmul peak' in text
    assert 'fast / fp32: 0.60 (target <= 0.7)' in text


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


def test_lever_rows_against_the_config_run_and_the_peak():
    base = dict(name='config', seconds_per_iter=0.8, images_per_s=10.0,
                data_share=0.5, loss_gap=0.0)
    run = dict(name='+bf16', seconds_per_iter=0.4, images_per_s=20.0,
               data_share=0.25, loss_gap=0.0123)
    header = report.markdown_header(report.LEVER_COLUMNS).splitlines()
    assert header[0].count('|') == header[1].count('|') == 8
    # 20 images/s x 5 GFLOP per image = 100 of a 200 GFLOP/s peak
    assert report.lever_row(run, base, train_gflop=5.0,
                            peak_gflops=200.0) == \
        '| +bf16 | 0.4000 | 20.0 | 2.00 | 25% | 50.0% | 0.0123 |'
    failed = report.lever_row(dict(name='+loader', failed=1), base, 5.0,
                              200.0)
    assert failed == '| +loader | failed (exit 1) |  |  |  |  |  |'
    assert report.noise_note(dict(seed=1, loss_gap=0.01)) == (
        'noise: the loss gap between seeds 0 and 1 is 0.0100; a rung is '
        'within noise at or below it.')


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
