"""int8 against float inference of one config on the CPU: ms per (1, 3, H,
W) image for PyTorch fp32, PyTorch's bf16 fast path (bf16 autocast +
channels-last), ONNX Runtime fp32 and ONNX Runtime int8
(:func:`~segnet_mm.apis.quantize_int8`), each against the peak of its own
arithmetic measured on the same CPU (a square matrix product in the same
library and precision), and each path's peak resident memory measured in a
fresh process. Every path runs on the same input (:func:`benchmark_input`)
with the same number of threads (``torch.set_num_threads`` and ONNX
Runtime's ``intra_op_num_threads``) and reports the median of its timed
runs. Weights are freshly initialised: speed does not depend on their
values (accuracy is ``tools/test.py``'s job)."""
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

PATHS = ('fp32', 'bf16', 'onnxruntime fp32', 'onnxruntime int8')
WARMUP = 2


class PathSpeed(NamedTuple):
    """One inference path.

    Attributes:
        name (str): One of ``PATHS``.
        ms (float): Milliseconds per image, median of the timed runs.
        peak_gops (float): Its arithmetic's measured peak, GFLOP/s (GOP/s
            for int8).
        peak_rss_mib (float): The measuring process's peak resident memory.
        threads (int): Threads the path ran on (PyTorch's, or the ONNX
            Runtime session's intra-op threads).
    """
    name: str
    ms: float
    peak_gops: float
    peak_rss_mib: float
    threads: int


def benchmark_input(shape: Sequence[int]) -> np.ndarray:
    """The (1, 3, H, W) float32 input every path is timed on."""
    return np.random.default_rng(0).standard_normal((1, 3, *shape),
                                                    np.float32)


def median_seconds(step: Callable[[], object], warmup: int,
                   iters: int) -> float:
    """Median seconds of ``iters`` calls of ``step`` after ``warmup``."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def onnxruntime_matmul_peak(dtype: str, n: int = 1024, reps: int = 10,
                            threads: Optional[int] = None) -> float:
    """Best GOP/s of an n x n x n product in ONNX Runtime (CPU, ``threads``
    intra-op threads): 'float32' ``MatMul`` or 'int8' ``MatMulInteger``
    (uint8 x int8 -> int32, the kernel a quantized convolution runs
    on)."""
    import onnx
    from onnx import TensorProto, helper

    from ..models.segmentors.onnxruntime_segmentor import onnxruntime_session
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
    session = onnxruntime_session(model.SerializeToString(), threads)
    session.run(None, {'a': a})
    best = float('inf')
    for _ in range(reps):
        start = time.perf_counter()
        session.run(None, {'a': a})
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def _register_modules() -> None:
    """mmseg's and our modules, in a freshly spawned process."""
    from mmseg.utils import register_all_modules
    import segnet_mm  # noqa: F401
    register_all_modules()


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _path_runner(name: str, config: str, onnx_file: Optional[str],
                 threads: int) -> Tuple[Callable[[np.ndarray], object], int]:
    """``run(x)``: one inference of path ``name`` on a (1, 3, H, W) float32
    array, returning its logits; and the threads it runs on."""
    if name.startswith('onnxruntime'):
        from ..models.segmentors.onnxruntime_segmentor import \
            onnxruntime_session
        session = onnxruntime_session(onnx_file, threads)
        input_name = session.get_inputs()[0].name
        return (lambda x: session.run(None, {input_name: x})[0],
                session.get_session_options().intra_op_num_threads)
    from .benchmark import build_model
    bf16 = name == 'bf16'
    model = build_model(config, channels_last=bf16).eval()
    layout = torch.channels_last if bf16 else torch.contiguous_format

    def run(x: np.ndarray) -> Tensor:
        # cache_enabled=False: inference uses each weight once, so bf16
        # copies kept for the region would only cost memory.
        with torch.no_grad(), torch.autocast(
                'cpu', torch.bfloat16, enabled=bf16, cache_enabled=False):
            return model(
                torch.from_numpy(x).contiguous(memory_format=layout),
                mode='tensor')

    return run, torch.get_num_threads()


def _measure_path(name: str, config: str, shape: Sequence[int],
                  onnx_file: Optional[str], iters: int,
                  threads: int) -> PathSpeed:
    """One path, in the calling (fresh) process."""
    _register_modules()
    from .benchmark import matmul_peak
    torch.set_num_threads(threads)
    run, used = _path_runner(name, config, onnx_file, threads)
    x = benchmark_input(shape)
    seconds = median_seconds(lambda: run(x), WARMUP, iters)
    if name.startswith('onnxruntime'):
        peak = onnxruntime_matmul_peak(
            'int8' if name.endswith('int8') else 'float32', threads=threads)
    else:
        peak = matmul_peak(
            torch.bfloat16 if name == 'bf16' else torch.float32)
    return PathSpeed(name, seconds * 1e3, peak, _peak_rss_mib(), used)


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
               threads: Optional[int] = None,
               runner: Callable = None) -> List[PathSpeed]:
    """Measure ``paths`` of ``config`` one after another, each in a fresh
    process (so each peak memory is its own).

    Args:
        config (str): Config file.
        shape (Sequence[int]): (H, W). Default: (360, 480).
        paths (Sequence[str]): Some of ``PATHS``. Default: all.
        iters (int): Timed runs per path (after 2 warm-up runs), of which
            the median is reported. Default: 5.
        threads (int, optional): Threads of every path; None takes the
            cores this process may run on. Default: None.
        runner (Callable, optional): ``runner(fn, *args)`` running one
            measurement; default: a fresh spawned process each.
    """
    unknown = set(paths) - set(PATHS)
    if unknown:
        raise ValueError(f'unknown paths {sorted(unknown)}: choose from '
                         f'{list(PATHS)}')
    threads = threads or len(os.sched_getaffinity(0))
    run = runner or _in_fresh_process
    with tempfile.TemporaryDirectory() as tmp:
        files = run(_export, config, tuple(shape), tmp) if any(
            p.startswith('onnxruntime') for p in paths) else {}
        return [
            run(_measure_path, name, config, tuple(shape), files.get(name),
                iters, threads) for name in paths
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
