"""tools/analysis_tools/benchmark.py's suite: its specs, and its rows and
ratios on fixed measured numbers."""
import pytest

from segnet_mm.analysis import speed_suite as suite

PEAK = dict(fp32=40.0, bf16=120.0)
COST = dict(params=1_416_075, macs=3e9)
TIMING = dict(seconds=0.5, peak_mib=512.4)


def test_inference_row_rates_against_the_peak_of_its_dtype():
    fp32 = suite.inference_row('SegNet', (360, 480), 'fp32', False, COST,
                               TIMING, PEAK)
    # 2 FLOPs per MAC: 6 GFLOP in 0.5 s.
    assert fp32['gflops'] == pytest.approx(12)
    assert fp32['pct_peak'] == pytest.approx(30)
    bf16 = suite.inference_row('SegNet', (360, 480), suite.FAST_SEGNET,
                               True, COST, TIMING, PEAK)
    assert bf16['pct_peak'] == pytest.approx(10)
    assert fp32 == dict(model='SegNet', shape=[360, 480], path='fp32',
                        params=1_416_075, macs=3e9, seconds=0.5,
                        peak_mib=512.4, gflops=fp32['gflops'],
                        pct_peak=fp32['pct_peak'])


def test_best_peak_per_dtype():
    assert suite.best_peak(dict(fp32=10.0, bf16=30.0),
                           dict(fp32=12.0, bf16=20.0)) == dict(fp32=12.0,
                                                               bf16=30.0)


def test_specs_pick_the_config_and_path_of_each_measurement():
    inference = suite.inference_specs('a.py', (368, 480),
                                      suite.SEGNET_PATHS, iters=3)
    assert inference[suite.FAST_SEGNET] == dict(
        kind='inference', config='a.py', shape=[368, 480],
        bf16_channels_last=True, compact=True, iters=3)
    assert inference['fp32']['bf16_channels_last'] is False
    train = suite.training_specs('plain.py', 'runner.py', (180, 240), 8,
                                 4, (360, 480))
    assert list(train) == list(suite.LOOPS)
    assert train[suite.RUNNER_FAST] == dict(
        kind='runner_train', config='runner.py', shape=[180, 240], batch=8,
        bf16_channels_last=True, compact=None, iters=4,
        data_shape=[360, 480])
    assert train[suite.PLAIN_FP32]['config'] == 'plain.py'
    assert train[suite.PLAIN_FP32]['bf16_channels_last'] is False


def test_speed_ratios_of_segnet_and_the_loops():
    train = {
        suite.PLAIN_FAST: dict(seconds=2.0),
        suite.RUNNER_FAST: dict(seconds=2.2),
        suite.RUNNER_FP32: dict(seconds=8.8),
    }
    rows = [
        dict(model='SegNet', path='fp32', peak_mib=1000.0, pct_peak=20.0),
        dict(model='SegNet', path=suite.FAST_SEGNET, peak_mib=600.0,
             pct_peak=65.0),
        dict(model='FCN R50-D8', path='fp32', peak_mib=50.0, pct_peak=1.0),
    ]
    ratios = suite.speed_ratios(rows, train)
    assert ratios == pytest.approx(
        dict(runner_vs_plain_fast=1.1, runner_fast_speedup_vs_fp32=4.0,
             inference_pct_bf16_peak=65.0, inference_mem_fast_vs_fp32=0.6))


def test_run_inference_suite_measures_each_model_on_its_paths():
    """Every spec goes to ``measure``: each model's MACs at the shape rounded
    up to its divisor, then its paths; the matmul peak after them."""
    specs = []

    def measure(spec):
        specs.append(spec)
        if spec['kind'] == 'macs':
            return dict(macs=3e9, params=10, unsupported={'aten::x': 1})
        if spec['kind'] == 'peak':
            return dict(fp32=30.0, bf16=100.0)
        return dict(seconds=0.5, peak_mib=10.0)

    models = {'SegNet': ('segnet.py', 1, suite.SEGNET_PATHS),
              'UNet': ('unet.py', 16, suite.BASELINE_PATHS)}
    rows, peak, uncounted = suite.run_inference_suite(
        models, (360, 480), 2, dict(fp32=40.0, bf16=90.0), measure)
    assert [s['kind'] for s in specs] == ['macs', 'inference', 'inference',
                                          'inference', 'macs', 'inference',
                                          'inference', 'peak']
    assert specs[4]['shape'] == [368, 480]
    assert peak == dict(fp32=40.0, bf16=100.0)
    assert uncounted == dict(SegNet={'aten::x': 1}, UNet={'aten::x': 1})
    assert [(r['model'], r['path']) for r in rows] == [
        ('SegNet', 'fp32'), ('SegNet', 'bf16+CL, int64 idx'),
        ('SegNet', suite.FAST_SEGNET), ('UNet', 'fp32'), ('UNet', 'bf16+CL')
    ]
    # 6 GFLOP in 0.5 s = 12 GFLOP/s, 30% of the best fp32 peak.
    assert rows[0]['pct_peak'] == pytest.approx(30)
    assert rows[3]['shape'] == [368, 480]


def test_run_training_suite_measures_each_loop():
    train = suite.run_training_suite('plain.py', 'runner.py', (180, 240), 8,
                                     4, (360, 480),
                                     lambda spec: dict(kind=spec['kind']))
    assert list(train) == list(suite.LOOPS)
    assert train[suite.RUNNER_FAST] == dict(kind='runner_train')
