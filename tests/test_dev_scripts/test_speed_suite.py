""".dev_scripts/benchmark_speed.py's suite: its specs, its rows, ratios
and tables on fixed measured numbers, and its measurements on a small
SegNet (the optimizer, loss weights and ignore index from the config)."""
import copy

import pytest
from mmengine.config import Config

import speed_suite as suite
from tests.conftest import REPO_ROOT
from tests.utils import assert_convs_ran_as_named, write_small_config

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


def test_inference_table_rows():
    row = dict(model='SegNet', shape=[360, 480], path='fp32',
               params=1_416_075, macs=3e9, seconds=0.5, peak_mib=512.4,
               gflops=12.0, pct_peak=30.0)
    lines = suite.inference_table([row]).splitlines()
    assert lines[0].startswith('| model | input | params (M) |')
    assert lines[2] == ('| SegNet | 360x480 | 1.42 | 3.0 | fp32 | 500 | '
                        '2.00 | 12 | 30% | 512 |')


def test_peak_line():
    assert suite.peak_line(dict(fp32=12.4, bf16=30.6), 2) == (
        'matmul peak (4096^3, best of 5, before and after): fp32 12 '
        'GFLOP/s, bf16 31 GFLOP/s, 2 threads')


def test_training_table_per_image_and_missing_memory():
    lines = suite.training_table(
        {
            suite.PLAIN_FAST: dict(seconds=2.0, peak_mib=700.2),
            suite.RUNNER_FAST: dict(seconds=3.0)
        }, batch=8).splitlines()
    assert lines[2] == '| plain loop bf16+CL | 2.00 | 0.250 | 700 |'
    assert lines[3] == '| Runner bf16+CL (config) | 3.00 | 0.375 | – |'


def test_ratios_text():
    text = suite.ratios_text(
        dict(runner_vs_plain_fast=1.1, runner_fast_speedup_vs_fp32=4.0,
             inference_pct_bf16_peak=65.0, inference_mem_fast_vs_fp32=0.6))
    assert 'Runner fast / plain bf16+CL loop: 1.10x (target <= 1.1)' in text
    assert 'Runner fp32 / Runner fast: 4.00x (target >= 4)' in text
    assert 'fast path: 65% of the bf16 matmul peak' in text
    assert 'fast / fp32: 0.60 (target <= 0.7)' in text


@pytest.fixture(scope='module')
def cpu_config(tmp_path_factory):
    """The small SegNet of the CPU recipe (bf16 autocast through
    BF16AmpOptimWrapper, ChannelsLastHook)."""
    return str(
        write_small_config(
            tmp_path_factory.mktemp('cpu') / 'small_cpu.py',
            REPO_ROOT / 'configs/segnet_camvid_cpu.py'))


def test_optimizer_and_class_weights_come_from_the_config(small_config):
    cfg = Config.fromfile(small_config)
    cfg.optim_wrapper.optimizer.lr = 0.123
    model = suite.build_model(small_config, channels_last=False, train=True)
    opt = suite.build_optimizer(cfg, model)
    assert type(opt).__name__ == cfg.optim_wrapper.optimizer.type
    assert opt.defaults['lr'] == 0.123
    assert opt.defaults['momentum'] == cfg.optim_wrapper.optimizer.momentum
    assert suite.decode_loss_class_weight(cfg).tolist() == pytest.approx(
        cfg.model.decode_head.loss_decode.class_weight)


@pytest.mark.parametrize('bf16_channels_last', [False, True])
def test_plain_training_step(small_config, convs, bf16_channels_last):
    plain = suite.run_measurement(
        dict(kind='plain_train', config=small_config, shape=[32, 48], batch=2,
             bf16_channels_last=bf16_channels_last, compact=None, iters=1))
    assert plain['seconds'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)
    assert convs[0].input_channels_last == bf16_channels_last


@pytest.mark.parametrize('bf16_channels_last', [False, True])
def test_runner_training_step(cpu_config, convs, bf16_channels_last):
    """The CPU recipe through the Runner as it is (bf16, channels-last),
    or turned back into mmengine's fp32 default."""
    runner = suite.run_measurement(
        dict(kind='runner_train', config=cpu_config, shape=[32, 48],
             batch=2, bf16_channels_last=bf16_channels_last, compact=None,
             iters=1, data_shape=[48, 64]))
    assert runner['seconds'] > 0
    assert_convs_ran_as_named(convs, bf16_channels_last)


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown measurement 'nope'"):
        suite.run_measurement(dict(kind='nope'))


def test_plain_training_step_on_cityscapes(cityscapes, monkeypatch):
    cfg = copy.deepcopy(cityscapes)
    cfg.model.decode_head.ignore_index = 7
    ignored = []
    cross_entropy = suite.F.cross_entropy

    def recording(*args, **kwargs):
        ignored.append(kwargs['ignore_index'])
        return cross_entropy(*args, **kwargs)

    monkeypatch.setattr(suite.F, 'cross_entropy', recording)
    plain = suite.time_plain_train_step(cfg, [64, 128], batch=2,
                                        bf16_channels_last=False,
                                        compact=None, warmup=0, iters=1)
    assert plain['seconds'] > 0 and set(ignored) == {7}
