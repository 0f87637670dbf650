"""Temperature scaling of a checkpoint: the split it fits on, the JSON it
writes."""
import json

import pytest

from segnet_mm.apis.temperature_scaling import (fit_checkpoint_temperature,
                                                save_temperature)
from segnet_mm.evaluation import TemperatureFit

FIT = TemperatureFit(1.5, 16, 100, dict(ECE=0.1, NLL=1.0, Brier=0.5),
                     dict(ECE=0.02, NLL=0.9, Brier=0.45))


def test_json(tmp_path):
    path = save_temperature(FIT, tmp_path / 'a.pth')
    assert path == tmp_path / 'a.pth.temperature.json'
    assert TemperatureFit(**json.loads(path.read_text())) == FIT


def test_bad_split():
    with pytest.raises(ValueError, match="split must be one of "
                       r"\('val', 'test'\), got 'train'"):
        fit_checkpoint_temperature('unused.py', 'unused.pth', split='train')
