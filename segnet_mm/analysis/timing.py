"""How every speed measurement of :mod:`segnet_mm.analysis` times and
sizes what it runs: seconds per call (mean or median after warm-up) or per
training iteration of mmengine's Runner, the
peak rate of a square matrix product in PyTorch and in ONNX Runtime (the
two libraries the inference paths run on), peak memory (tensors, from the
profiler, or the process's resident set), the input images are timed on,
and running one measurement in a fresh process."""
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Callable, Optional, Sequence

import numpy as np
import torch
from mmengine.hooks import Hook


def mean_seconds(step: Callable[[], object], warmup: int,
                 iters: int) -> float:
    """Mean seconds of ``iters`` calls of ``step`` after ``warmup``."""
    for _ in range(warmup):
        step()
    start = time.perf_counter()
    for _ in range(iters):
        step()
    return (time.perf_counter() - start) / iters


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


class TrainIterClock(Hook):
    """Wall time of a Runner's training iterations after ``warmup``: from
    the end of iteration ``warmup`` (``start``) to the end of the last
    (``end``)."""

    def __init__(self, warmup: int):
        self.warmup = warmup
        self.start = self.end = None

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None):
        if runner.iter + 1 == self.warmup:
            self.start = time.perf_counter()
        self.end = time.perf_counter()


def _best_seconds(step: Callable[[], object], reps: int) -> float:
    best = float('inf')
    for _ in range(reps):
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
    return best


def torch_matmul_peak(dtype: torch.dtype, n: int = 4096, reps: int = 5,
                      device: str = 'cpu', budget_s: float = 0.5) -> float:
    """Best GFLOP/s of a square PyTorch matrix product on ``device``.

    The size doubles from 256 (or ``n`` if smaller) up to ``n`` while one
    product takes under ``budget_s``, then ``reps`` products of that size
    are timed: a CPU that emulates ``dtype`` (bf16 without AVX512-BF16 or
    AMX runs at a few GFLOP/s) is measured in seconds instead of the
    minutes an n = 4096 product would take, and fast hardware still
    reaches ``n``.
    """
    sync = torch.cuda.synchronize if str(device).startswith('cuda') else \
        (lambda: None)

    def product(a: torch.Tensor, b: torch.Tensor) -> None:
        a @ b
        sync()

    size = min(n, 256)
    while True:
        a = torch.randn(size, size, device=device).to(dtype)
        b = torch.randn(size, size, device=device).to(dtype)
        if _best_seconds(lambda: product(a, b), 1) >= budget_s or size >= n:
            break
        size = min(2 * size, n)
    best = _best_seconds(lambda: product(a, b), reps)
    return 2 * size**3 / best / 1e9


def onnxruntime_matmul_peak(dtype: str, n: int = 1024, reps: int = 10,
                            threads: Optional[int] = None) -> float:
    """Best GOP/s of an n x n x n product in ONNX Runtime (CPU, ``threads``
    intra-op threads): 'float32' ``MatMul`` or 'int8' ``MatMulInteger``
    (uint8 x int8 -> int32, the kernel a quantized convolution runs
    on).

    Raises:
        ValueError: naming any other ``dtype``.
    """
    import onnx
    from onnx import TensorProto, helper

    from ..deployment.onnxruntime_segmentor import onnxruntime_session
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
    best = _best_seconds(lambda: session.run(None, {'a': a}), reps)
    return 2 * n**3 / best / 1e9


def peak_tensor_mib(step: Callable[[], None]) -> float:
    """Peak memory of the tensors ``step`` allocates, MiB.

    Replays the allocation events of PyTorch's profiler in time order (op
    granularity): allocator caches and library arenas, which dominate RSS
    on CPU and are not the model's, stay out.
    """
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as p:
        step()
    events = sorted((e for e in p.events() if e.self_cpu_memory_usage),
                    key=lambda e: e.time_range.start)
    live = peak = 0
    for event in events:
        live += event.self_cpu_memory_usage
        peak = max(peak, live)
    return peak / 2**20


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def benchmark_input(shape: Sequence[int]) -> np.ndarray:
    """The (1, 3, H, W) float32 input inference is timed on."""
    return np.random.default_rng(0).standard_normal((1, 3, *shape),
                                                    np.float32)


def _registered_call(start_method: str, fn: Callable, *args):
    """``fn(*args)`` after registering mmseg's and our modules, as a
    freshly spawned process needs, with ``start_method`` for the processes
    it starts in turn."""
    from mmseg.utils import register_all_modules
    import segnet_mm  # noqa: F401
    multiprocessing.set_start_method(start_method, force=True)
    register_all_modules()
    return fn(*args)


def in_fresh_process(fn: Callable, *args):
    """``fn(*args)`` in a freshly spawned process, mmseg's and our modules
    registered there (so its peak memory and warm caches are its own); an
    exception there is raised here. ``fn``, ``args`` and the result must
    pickle.

    A process the libraries start from there is started with this
    process's start method (the platform's default: fork on Linux up to
    Python 3.13), not spawned, as multiprocessing starts the children of a
    spawned process by default: a spawned child imports torch and mmseg
    again, beside the timed work (OpenVINO's import starts one for its
    usage telemetry; docs/deployment.md has what that did to timings)."""
    start_method = multiprocessing.get_start_method()
    with ProcessPoolExecutor(1, mp_context=get_context('spawn')) as pool:
        return pool.submit(_registered_call, start_method, fn,
                           *args).result()
