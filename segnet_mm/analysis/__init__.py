"""Measurement and what runs logged: how fast and how large models run
(mmengine keeps its complexity counting in ``mmengine.analysis``; this
package keeps ours) and the curves, results and speed read from a run's
work dir. Plotting them is :mod:`segnet_mm.visualization`'s."""
from .int8_speed import (PathSpeed, benchmark_input, int8_speed,
                         median_seconds, onnxruntime_matmul_peak, speed_table)
from .scalars import Scalars, load_run, load_scalars, load_work_dir

__all__ = [
    'PathSpeed', 'Scalars', 'benchmark_input', 'int8_speed', 'load_run',
    'load_scalars', 'load_work_dir', 'median_seconds',
    'onnxruntime_matmul_peak', 'speed_table'
]
