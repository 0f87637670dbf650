"""The pieces of tools/analysis_tools/fit_temperature.py around the fit."""
import json

import pytest
from mmengine.config import Config

from segnet_mm.apis.temperature_scaling import (fit_checkpoint_temperature,
                                                save_temperature,
                                                temperature_report,
                                                temperature_usage)
from segnet_mm.evaluation import TemperatureFit

FIT = TemperatureFit(1.5, 16, 100, dict(ECE=0.1, NLL=1.0, Brier=0.5),
                     dict(ECE=0.02, NLL=0.9, Brier=0.45))


def test_usage_points_at_the_calibration_metric():
    listed = Config(dict(test_evaluator=[
        dict(type='IoUMetric'), dict(type='CalibrationMetric')]))
    assert temperature_usage(listed, 1.23456, 16).endswith(
        '--cfg-options test_evaluator.1.temperature=1.2346 '
        'test_evaluator.1.mc_samples=16')
    alone = Config(dict(test_evaluator=dict(type='CalibrationMetric')))
    assert temperature_usage(alone, 2., 1).endswith(
        '--cfg-options test_evaluator.temperature=2.0000 '
        'test_evaluator.mc_samples=1')
    without = Config(dict(test_evaluator=[dict(type='IoUMetric')]))
    assert temperature_usage(without, 2., 4).startswith(
        "add dict(type='CalibrationMetric', temperature=2.0000, "
        "mc_samples=4) to the config's test_evaluator")


def test_report_and_json(tmp_path):
    report = temperature_report(
        FIT, Config(dict(test_evaluator=dict(type='CalibrationMetric'))))
    assert 'temperature T = 1.5000, fitted on 100 pixels at ' \
        'mc_samples=16' in report
    assert 'test_evaluator.mc_samples=16' in report
    assert 'ECE (%): 10.0000 at T = 1, 2.0000 at T' in report
    assert 'NLL: 1.0000 at T = 1, 0.9000 at T' in report
    path = save_temperature(FIT, tmp_path / 'a.pth')
    assert path == tmp_path / 'a.pth.temperature.json'
    assert TemperatureFit(**json.loads(path.read_text())) == FIT


def test_bad_split():
    with pytest.raises(ValueError, match="split must be one of "
                       r"\('val', 'test'\), got 'train'"):
        fit_checkpoint_temperature('unused.py', 'unused.pth', split='train')
