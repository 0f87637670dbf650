"""Inference of one config on the CPU along four paths: ms per (1, 3, H, W)
image for PyTorch fp32, PyTorch's bf16 fast path (bf16 autocast +
channels-last), ONNX Runtime fp32 and ONNX Runtime int8
(:func:`~segnet_mm.apis.quantize_int8`), each against the peak of its own
arithmetic measured on the same CPU (a square matrix product in the same
library and precision), and each path's peak resident memory measured in a
fresh process. Every path runs on the same input
(:func:`~.timing.benchmark_input`) with the same number of threads
(``torch.set_num_threads`` and ONNX Runtime's ``intra_op_num_threads``) and
reports the median of its timed runs. Weights are freshly initialised:
speed does not depend on their values (accuracy is ``tools/test.py``'s
job)."""
import os
import tempfile
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

from .benchmark import bf16_autocast, build_model
from .timing import (benchmark_input, in_fresh_process, median_seconds,
                     onnxruntime_matmul_peak, peak_rss_mib,
                     torch_matmul_peak)

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
    bf16 = name == 'bf16'
    model = build_model(config, channels_last=bf16).eval()
    layout = torch.channels_last if bf16 else torch.contiguous_format

    def run(x: np.ndarray) -> Tensor:
        with torch.no_grad(), bf16_autocast(bf16, cache=False):
            return model(
                torch.from_numpy(x).contiguous(memory_format=layout),
                mode='tensor')

    return run, torch.get_num_threads()


def _measure_path(name: str, config: str, shape: Sequence[int],
                  onnx_file: Optional[str], iters: int,
                  threads: int) -> PathSpeed:
    """One path, in the calling (fresh) process."""
    torch.set_num_threads(threads)
    run, used = _path_runner(name, config, onnx_file, threads)
    x = benchmark_input(shape)
    seconds = median_seconds(lambda: run(x), WARMUP, iters)
    if name.startswith('onnxruntime'):
        peak = onnxruntime_matmul_peak(
            'int8' if name.endswith('int8') else 'float32', threads=threads)
    else:
        peak = torch_matmul_peak(
            torch.bfloat16 if name == 'bf16' else torch.float32)
    return PathSpeed(name, seconds * 1e3, peak, peak_rss_mib(), used)


def _export(config: str, shape: Sequence[int],
            out_dir: str) -> Dict[str, str]:
    """fp32 and int8 ONNX files of the config's freshly built model, int8
    calibrated on two random images."""
    import cv2

    from ..apis import export_onnx, quantize_int8
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


def time_inference_paths(config: str, shape: Sequence[int] = (360, 480),
                         paths: Sequence[str] = PATHS, iters: int = 5,
                         threads: Optional[int] = None,
                         runner: Optional[Callable] = None
                         ) -> List[PathSpeed]:
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
            measurement; default: :func:`~.timing.in_fresh_process`.

    Raises:
        ValueError: naming unknown paths.
    """
    unknown = set(paths) - set(PATHS)
    if unknown:
        raise ValueError(f'unknown paths {sorted(unknown)}: choose from '
                         f'{list(PATHS)}')
    threads = threads or len(os.sched_getaffinity(0))
    run = runner or in_fresh_process
    with tempfile.TemporaryDirectory() as tmp:
        files = run(_export, config, tuple(shape), tmp) if any(
            p.startswith('onnxruntime') for p in paths) else {}
        return [
            run(_measure_path, name, config, tuple(shape), files.get(name),
                iters, threads) for name in paths
        ]
