"""Measurement: how fast and how large models run (mmengine keeps its
complexity counting in ``mmengine.analysis``; this package keeps ours)."""
from .int8_speed import (PathSpeed, int8_speed, onnxruntime_matmul_peak,
                         onnxruntime_seconds, speed_table)

__all__ = [
    'PathSpeed', 'int8_speed', 'onnxruntime_matmul_peak',
    'onnxruntime_seconds', 'speed_table'
]
