"""Temperature scaling through the CLIs:
tools/analysis_tools/fit_temperature.py fits T on val, tools/test.py
evaluates the MC-dropout model with CalibrationMetric at that T and the same
mc_samples."""
import json

from mmengine.config import Config

from segnet_mm.evaluation import TemperatureFit
from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, data_options,
                         load_tool, run_tool, save_small_checkpoint,
                         write_bayesian_config)

TOOL = load_tool('tools/analysis_tools/fit_temperature.py')
FIT = TemperatureFit(1.5, 16, 100, dict(ECE=0.1, NLL=1.0, Brier=0.5),
                     dict(ECE=0.02, NLL=0.9, Brier=0.45))


def test_fit_then_test_with_the_temperature(tmp_path, camvid_root):
    ckpt = save_small_checkpoint(tmp_path / 'tiny.pth',
                                 config=BAYESIAN_CONFIG)
    config = write_bayesian_config(tmp_path / 'bayesian_calibration.py',
                                   'CalibrationMetric', mc_samples=2)
    options = ['--cfg-options', *SMALL_MODEL, *data_options(camvid_root)]
    out = run_tool('tools/analysis_tools/fit_temperature.py', config, ckpt,
                   '--max-pixels', '5000', *options)
    fitted = json.loads((tmp_path / 'tiny.pth.temperature.json').read_text())
    assert fitted['num_pixels'] == 5000  # 4 val images of 45x60, less void
    assert fitted['mc_samples'] == 2
    assert fitted['after']['NLL'] <= fitted['before']['NLL']
    temperature = fitted['temperature']
    assert f'temperature T = {temperature:.4f}' in out
    usage = (f'--cfg-options test_evaluator.1.temperature={temperature:.4f}'
             ' test_evaluator.1.mc_samples=2')
    assert usage in out

    out = run_tool('tools/test.py', config, ckpt, '--work-dir',
                   tmp_path / 'work', *options,
                   f'test_evaluator.1.temperature={temperature:.4f}',
                   'test_evaluator.1.mc_samples=2')
    assert 'mIoU' in out
    for key in ('ECE', 'NLL', 'Brier', 'AUROC.entropy', 'AUPR.entropy',
                'AUROC.MI', 'AUPR.MI'):
        assert f'{key}: ' in out, key
    assert 'misclassified pixels found by uncertainty' in out


def test_usage_points_at_the_calibration_metric():
    listed = Config(dict(test_evaluator=[
        dict(type='IoUMetric'), dict(type='CalibrationMetric')]))
    assert TOOL.temperature_usage(listed, 1.23456, 16).endswith(
        '--cfg-options test_evaluator.1.temperature=1.2346 '
        'test_evaluator.1.mc_samples=16')
    alone = Config(dict(test_evaluator=dict(type='CalibrationMetric')))
    assert TOOL.temperature_usage(alone, 2., 1).endswith(
        '--cfg-options test_evaluator.temperature=2.0000 '
        'test_evaluator.mc_samples=1')
    without = Config(dict(test_evaluator=[dict(type='IoUMetric')]))
    assert TOOL.temperature_usage(without, 2., 4).startswith(
        "add dict(type='CalibrationMetric', temperature=2.0000, "
        "mc_samples=4) to the config's test_evaluator")


def test_report():
    report = TOOL.temperature_report(
        FIT, Config(dict(test_evaluator=dict(type='CalibrationMetric'))))
    assert 'temperature T = 1.5000, fitted on 100 pixels at ' \
        'mc_samples=16' in report
    assert 'test_evaluator.mc_samples=16' in report
    assert 'ECE (%): 10.0000 at T = 1, 2.0000 at T' in report
    assert 'NLL: 1.0000 at T = 1, 0.9000 at T' in report
