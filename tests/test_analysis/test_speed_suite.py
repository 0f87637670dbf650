"""tools/benchmark.py's rows, tables and ratios on fixed measured
numbers."""
import pytest

from segnet_mm.analysis import speed_report as report

PEAK = dict(fp32=40.0, bf16=120.0)
COST = dict(params=1_416_075, macs=3e9)
TIMING = dict(seconds=0.5, peak_mib=512.4)


def test_inference_row_rates_against_the_peak_of_its_dtype():
    fp32 = report.inference_row('SegNet', (360, 480), 'fp32', False, COST,
                                TIMING, PEAK)
    # 2 FLOPs per MAC: 6 GFLOP in 0.5 s.
    assert fp32['gflops'] == pytest.approx(12)
    assert fp32['pct_peak'] == pytest.approx(30)
    bf16 = report.inference_row('SegNet', (360, 480), report.FAST_SEGNET,
                                True, COST, TIMING, PEAK)
    assert bf16['pct_peak'] == pytest.approx(10)
    assert fp32 == dict(model='SegNet', shape=[360, 480], path='fp32',
                        params=1_416_075, macs=3e9, seconds=0.5,
                        peak_mib=512.4, gflops=fp32['gflops'],
                        pct_peak=fp32['pct_peak'])


def test_inference_table_rows():
    row = report.inference_row('SegNet', (360, 480), 'fp32', False, COST,
                               TIMING, PEAK)
    lines = report.inference_table([row]).splitlines()
    assert lines[0].startswith('| model | input | params (M) |')
    assert lines[2] == ('| SegNet | 360x480 | 1.42 | 3.0 | fp32 | 500 | '
                        '2.00 | 12 | 30% | 512 |')


def test_best_peak_per_dtype():
    assert report.best_peak(dict(fp32=10.0, bf16=30.0),
                            dict(fp32=12.0, bf16=20.0)) == dict(fp32=12.0,
                                                                bf16=30.0)
    assert report.peak_line(dict(fp32=12.4, bf16=30.6), 2) == (
        'matmul peak (4096^3, best of 5, before and after): fp32 12 '
        'GFLOP/s, bf16 31 GFLOP/s, 2 threads')


def test_specs_pick_the_config_and_path_of_each_measurement():
    inference = report.inference_specs('a.py', (368, 480),
                                       report.SEGNET_PATHS, iters=3)
    assert inference[report.FAST_SEGNET] == dict(
        kind='inference', config='a.py', shape=[368, 480],
        bf16_channels_last=True, compact=True, iters=3)
    assert inference['fp32']['bf16_channels_last'] is False
    train = report.training_specs('plain.py', 'runner.py', (180, 240), 8,
                                  4, (360, 480))
    assert list(train) == list(report.LOOPS)
    assert train[report.RUNNER_FAST] == dict(
        kind='runner_train', config='runner.py', shape=[180, 240], batch=8,
        bf16_channels_last=True, compact=None, iters=4,
        data_shape=[360, 480])
    assert train[report.PLAIN_FP32]['config'] == 'plain.py'
    assert train[report.PLAIN_FP32]['bf16_channels_last'] is False


def test_training_table_per_image_and_missing_memory():
    lines = report.training_table(
        {
            report.PLAIN_FAST: dict(seconds=2.0, peak_mib=700.2),
            report.RUNNER_FAST: dict(seconds=3.0)
        }, batch=8).splitlines()
    assert lines[2] == '| plain loop bf16+CL | 2.00 | 0.250 | 700 |'
    assert lines[3] == '| Runner bf16+CL (config) | 3.00 | 0.375 | – |'


def test_speed_ratios_of_segnet_and_the_loops():
    train = {
        report.PLAIN_FAST: dict(seconds=2.0),
        report.RUNNER_FAST: dict(seconds=2.2),
        report.RUNNER_FP32: dict(seconds=8.8),
    }
    rows = [
        dict(model='SegNet', path='fp32', peak_mib=1000.0, pct_peak=20.0),
        dict(model='SegNet', path=report.FAST_SEGNET, peak_mib=600.0,
             pct_peak=65.0),
        dict(model='FCN R50-D8', path='fp32', peak_mib=50.0, pct_peak=1.0),
    ]
    ratios = report.speed_ratios(rows, train)
    assert ratios == pytest.approx(
        dict(runner_vs_plain_fast=1.1, runner_fast_speedup_vs_fp32=4.0,
             inference_pct_bf16_peak=65.0, inference_mem_fast_vs_fp32=0.6))
    text = report.ratios_text(ratios)
    assert 'Runner fast / plain bf16+CL loop: 1.10x (target <= 1.1)' in text
    assert 'Runner fp32 / Runner fast: 4.00x (target >= 4)' in text
    assert 'fast path: 65% of the bf16 matmul peak' in text
    assert 'fast / fp32: 0.60 (target <= 0.7)' in text
