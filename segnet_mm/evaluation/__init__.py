from .metrics import BFScoreMetric, CalibrationMetric, ClassIoUMetric
from .temperature import (TemperatureFit, calibration_summary,
                          fit_temperature, fit_temperature_with_calibration,
                          sample_pixels, temperature_nll)

__all__ = [
    'BFScoreMetric', 'CalibrationMetric', 'ClassIoUMetric', 'TemperatureFit',
    'calibration_summary', 'fit_temperature',
    'fit_temperature_with_calibration', 'sample_pixels', 'temperature_nll'
]
