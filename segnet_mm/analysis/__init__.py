"""Measurement and what runs logged: how fast and how large models run
(mmengine keeps its complexity counting in ``mmengine.analysis``; this
package keeps ours) and the curves, results and speed read from a run's
work dir. Plotting them is :mod:`segnet_mm.visualization`'s."""
from .int8_speed import (PathSpeed, int8_speed, onnxruntime_matmul_peak,
                         onnxruntime_seconds, speed_table)
from .scalars import Scalars, load_run, load_scalars, load_work_dir

__all__ = [
    'PathSpeed', 'Scalars', 'int8_speed', 'load_run', 'load_scalars',
    'load_work_dir', 'onnxruntime_matmul_peak', 'onnxruntime_seconds',
    'speed_table'
]
