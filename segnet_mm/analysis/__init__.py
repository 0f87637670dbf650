"""Measurement and what runs logged: how fast and how large models run
(mmengine keeps its complexity counting in ``mmengine.analysis``; this
package keeps ours) and the curves, results and speed read from a run's
work dir. Plotting them is :mod:`segnet_mm.visualization`'s."""
from .inference_paths import PathSpeed, time_inference_paths
from .run_logs import Scalars, load_run, load_scalars, load_work_dir

__all__ = [
    'PathSpeed', 'Scalars', 'load_run', 'load_scalars', 'load_work_dir',
    'time_inference_paths'
]
