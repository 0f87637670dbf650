"""int8 against float inference of one config on the CPU: ms per (1, 3, H,
W) image for PyTorch fp32, PyTorch's bf16 fast path (bf16 autocast +
channels-last), ONNX Runtime fp32 and ONNX Runtime int8
(:func:`~segnet_mm.apis.quantize_int8`), each against the peak of its own
arithmetic measured on the same CPU (a square matrix product in the same
library and precision), and each path's peak resident memory measured in a
fresh process. Weights are freshly initialised: speed does not depend on
their values (accuracy is ``tools/test.py``'s job)."""
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable, Dict, List, NamedTuple, Sequence

import numpy as np
import torch

PATHS = ('fp32', 'bf16', 'onnxruntime fp32', 'onnxruntime int8')


class PathSpeed(NamedTuple):
    """One inference path.

    Attributes:
        name (str): One of ``PATHS``.
        ms (float): Milliseconds per image (best mean over repeats).
        peak_gops (float): Its arithmetic's measured peak, GFLOP/s (GOP/s
            for int8).
        peak_rss_mib (float): The measuring process's peak resident memory.
    """
    name: str
    ms: float
    peak_gops: float
    peak_rss_mib: float


def onnxruntime_matmul_peak(dtype: str, n: int = 1024,
                            reps: int = 10) -> float:
    """Best GOP/s of an n x n x n product in ONNX Runtime (CPU): 'float32'
    ``MatMul`` or 'int8' ``MatMulInteger`` (uint8 x int8 -> int32, the
    kernel a quantized convolution runs on)."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
    rng = np.random.default_rng(0)
    if dtype == 'float32':
        a = rng.standard_normal((n, n), np.float32)
        b = rng.standard_normal((n, n), np.float32)
        node, a_type, out_type = 'MatMul', TensorProto.FLOAT, \
            TensorProto.FLOAT
    elif dtype == 'int8':
        a = rng.integers(0, 256, (n, n), dtype=np.uint8)
        b = rng.integers(-128, 128, (n, n), dtype=np.int8)
        node, a_type, out_type = 'MatMulInteger', TensorProto.UINT8, \
            TensorProto.INT32
    else:
        raise ValueError(f"dtype must be 'float32' or 'int8', got {dtype!r}")
    graph = helper.make_graph(
        [helper.make_node(node, ['a', 'b'], ['c'])], 'matmul',
        [helper.make_tensor_value_info('a', a_type, [n, n])],
        [helper.make_tensor_value_info('c', out_type, [n, n])],
        [onnx.numpy_helper.from_array(b, 'b')])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid('', 17)])
    session = ort.InferenceSession(
        model.SerializeToString(), providers=['CPUExecutionProvider'])
    session.run(None, {'a': a})
    best = float('inf')
    for _ in range(reps):
        start = time.perf_counter()
        session.run(None, {'a': a})
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def onnxruntime_seconds(onnx_file: str, shape: Sequence[int],
                        warmup: int = 2, iters: int = 5) -> float:
    """Seconds per (1, 3, H, W) run of an ONNX model in ONNX Runtime."""
    import onnxruntime as ort
    session = ort.InferenceSession(
        onnx_file, providers=['CPUExecutionProvider'])
    x = {'input': np.random.default_rng(0).standard_normal(
        (1, 3, *shape), np.float32)}
    for _ in range(warmup):
        session.run(None, x)
    start = time.perf_counter()
    for _ in range(iters):
        session.run(None, x)
    return (time.perf_counter() - start) / iters


def _register_modules() -> None:
    """mmseg's and our modules, in a freshly spawned process."""
    from mmseg.utils import register_all_modules
    import segnet_mm  # noqa: F401
    register_all_modules()


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_path(name: str, config: str, shape: Sequence[int],
                  onnx_file: str, iters: int) -> PathSpeed:
    """One path, in the calling (fresh) process."""
    _register_modules()
    from .benchmark import inference, matmul_peak
    if name in ('fp32', 'bf16'):
        bf16 = name == 'bf16'
        seconds = inference(config, shape, bf16, None, iters=iters)['seconds']
        peak = matmul_peak(torch.bfloat16 if bf16 else torch.float32)
    else:
        seconds = onnxruntime_seconds(onnx_file, shape, iters=iters)
        peak = onnxruntime_matmul_peak(
            'int8' if name.endswith('int8') else 'float32')
    return PathSpeed(name, seconds * 1e3, peak, _peak_rss_mib())


def _export(config: str, shape: Sequence[int],
            out_dir: str) -> Dict[str, str]:
    """fp32 and int8 ONNX files of the config's freshly built model, int8
    calibrated on two random images."""
    _register_modules()
    import cv2

    from ..apis import export_onnx, quantize_int8
    from .benchmark import build_model
    model = build_model(config, channels_last=False).eval()
    rng = np.random.default_rng(0)
    images = []
    for i in range(2):
        images.append(os.path.join(out_dir, f'calib_{i}.png'))
        cv2.imwrite(images[-1],
                    rng.integers(0, 256, (*shape, 3), dtype=np.uint8))
    files = {
        'onnxruntime fp32': os.path.join(out_dir, 'fp32.onnx'),
        'onnxruntime int8': os.path.join(out_dir, 'int8.onnx')
    }
    export_onnx(model, files['onnxruntime fp32'], shape)
    quantize_int8(model, files['onnxruntime int8'], images, shape)
    return files


def int8_speed(config: str, shape: Sequence[int] = (360, 480),
               paths: Sequence[str] = PATHS, iters: int = 5,
               runner: Callable = None) -> List[PathSpeed]:
    """Measure ``paths`` of ``config`` one after another, each in a fresh
    process (so each peak memory is its own).

    Args:
        config (str): Config file.
        shape (Sequence[int]): (H, W). Default: (360, 480).
        paths (Sequence[str]): Some of ``PATHS``. Default: all.
        iters (int): Timed runs per path (after 2 warm-up runs). Default: 5.
        runner (Callable, optional): ``runner(fn, *args)`` running one
            measurement; default: a fresh spawned process each.
    """
    unknown = set(paths) - set(PATHS)
    if unknown:
        raise ValueError(f'unknown paths {sorted(unknown)}: choose from '
                         f'{list(PATHS)}')
    run = runner or _in_fresh_process
    with tempfile.TemporaryDirectory() as tmp:
        files = run(_export, config, tuple(shape), tmp) if any(
            p.startswith('onnxruntime') for p in paths) else {}
        return [
            run(_measure_path, name, config, tuple(shape), files.get(name),
                iters) for name in paths
        ]


def _in_fresh_process(fn: Callable, *args):
    with ProcessPoolExecutor(1, mp_context=get_context('spawn')) as pool:
        return pool.submit(fn, *args).result()


def speed_table(rows: Sequence[PathSpeed], macs: int,
                reference: str = 'bf16') -> str:
    """A markdown table: ms/image, GOP/s reached (2 x MACs per image), % of
    the path's peak, x faster than ``reference``, peak memory."""
    ref = {r.name: r.ms for r in rows}.get(reference)
    lines = [
        f'| path | ms/img | GOP/s | % of its peak (peak GOP/s) | '
        f'x {reference} | peak RSS MiB |', '|---|---|---|---|---|---|'
    ]
    for r in rows:
        gops = 2 * macs / (r.ms / 1e3) / 1e9
        speedup = f'{ref / r.ms:.2f}' if ref else '-'
        lines.append(
            f'| {r.name} | {r.ms:.1f} | {gops:.1f} | '
            f'{100 * gops / r.peak_gops:.0f}% ({r.peak_gops:.0f}) | '
            f'{speedup} | {r.peak_rss_mib:.0f} |')
    return '\n'.join(lines)
