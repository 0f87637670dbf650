"""Temperature scaling through the CLIs:
tools/analysis_tools/fit_temperature.py fits T on val, tools/test.py
evaluates the MC-dropout model with CalibrationMetric at that T and the same
mc_samples."""
import json

from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, data_options,
                         run_tool, save_small_checkpoint,
                         write_bayesian_config)


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
