"""Where a deployed graph spends its time: milliseconds per run of each op
kind, from ONNX Runtime's own profiler (``Conv``, ``QLinearConv``,
``MaxPool``, ...: the graph as the session optimises it, fused and
re-laid-out kinds such as ``ReorderInput`` counting as they run) or from
OpenVINO's per-layer counters (layer type and the kernel that ran it, e.g.
``Convolution jit_avx2_I8``: the compiled graph, its precision named)."""
import json
import os
import tempfile
from collections import defaultdict
from typing import Dict, Optional, Union

import numpy as np


def onnxruntime_op_times(model: Union[str, bytes],
                         inputs: np.ndarray,
                         threads: Optional[int] = None,
                         runs: int = 3) -> Dict[str, float]:
    """Milliseconds per run of each op kind of ``model``.

    The session is the inference sessions'
    (:func:`~segnet_mm.deployment.onnxruntime_segmentor.onnxruntime_session`)
    with profiling on; one warm-up run is left out, the
    ``runs`` after it are averaged.

    Args:
        model (str | bytes): ONNX file, or a serialized model, with one
            input.
        inputs (np.ndarray): What that input is fed.
        threads (int, optional): Intra-op threads; None lets ONNX Runtime
            choose. Default: None.
        runs (int): Profiled runs after the warm-up. Default: 3.

    Returns:
        dict[str, float]: op kind -> ms per run, the most costly first.
    """
    from ..deployment.onnxruntime_segmentor import onnxruntime_session
    if runs < 1:
        raise ValueError(f'runs must be >= 1, got {runs}')
    with tempfile.TemporaryDirectory() as tmp:
        session = onnxruntime_session(model, threads,
                                      os.path.join(tmp, 'profile'))
        feed = {session.get_inputs()[0].name: inputs}
        for _ in range(runs + 1):
            session.run(None, feed)
        with open(session.end_profiling()) as f:
            events = json.load(f)
    model_runs = sorted(e['ts'] + e['dur'] for e in events
                        if e.get('name') == 'model_run')
    if len(model_runs) != runs + 1:
        raise RuntimeError(f'the profile holds {len(model_runs)} runs, '
                           f'expected {runs + 1}')
    warmup_end = model_runs[0]
    micros = defaultdict(float)
    for e in events:
        if (e.get('cat') == 'Node' and e['name'].endswith('_kernel_time')
                and e['ts'] >= warmup_end):
            micros[e['args']['op_name']] += e['dur']
    return {
        op: us / runs / 1e3
        for op, us in sorted(micros.items(), key=lambda kv: -kv[1])
    }


def openvino_op_times(model_file: str,
                      inputs: np.ndarray,
                      threads: Optional[int] = None,
                      runs: int = 3,
                      **properties) -> Dict[str, float]:
    """Milliseconds per run of each layer type and kernel of an OpenVINO IR,
    compiled as :class:`OpenVINOSegmentor` compiles it (plus
    ``properties``, e.g. ``INFERENCE_PRECISION_HINT``), with OpenVINO's
    per-layer counters on; one warm-up run is left out, the ``runs`` after it
    are averaged (:func:`onnxruntime_op_times`' arguments).

    Returns:
        dict[str, float]: 'layer type kernel' -> ms per run, the most costly
        first; layers that took no time (not run, or folded into another)
        are left out.
    """
    from ..deployment.openvino_segmentor import openvino_compiled_model
    if runs < 1:
        raise ValueError(f'runs must be >= 1, got {runs}')
    request = openvino_compiled_model(
        model_file, threads, PERF_COUNT=True,
        **properties).create_infer_request()
    request.infer({0: inputs})
    micros = defaultdict(float)
    for _ in range(runs):
        request.infer({0: inputs})
        for layer in request.get_profiling_info():
            micros[f'{layer.node_type} {layer.exec_type}'] += \
                layer.real_time.total_seconds() * 1e6
    return {
        op: us / runs / 1e3
        for op, us in sorted(micros.items(), key=lambda kv: -kv[1]) if us
    }
