"""The suite ``tools/analysis_tools/benchmark.py`` runs: the measurements (as
:func:`.benchmark.run_measurement` specs), each in a fresh process; each
inference row's GFLOP/s and share of the matching matmul peak; and the
ratios the CPU speed targets are stated in. :mod:`.report` prints them."""
from typing import Callable, Dict, List, Sequence, Tuple

from .benchmark import run_measurement
from .comparison import round_up
from .timing import in_fresh_process

# Inference paths: label -> (bf16_channels_last, compact indices); SegNet
# has both index kinds, the baselines none.
SEGNET_PATHS = {
    'fp32': (False, False),
    'bf16+CL, int64 idx': (True, False),
    'bf16+CL, 2-bit idx': (True, True),
}
BASELINE_PATHS = {'fp32': (False, None), 'bf16+CL': (True, None)}
FAST_SEGNET = 'bf16+CL, 2-bit idx'
# Training loops: label -> (measurement kind, bf16_channels_last, compact
# indices).
PLAIN_FP32 = 'plain loop fp32'
PLAIN_FAST = 'plain loop bf16+CL'
RUNNER_FP32 = 'Runner fp32 (OptimWrapper)'
RUNNER_FAST = 'Runner bf16+CL (config)'
LOOPS = {
    PLAIN_FP32: ('plain_train', False, False),
    PLAIN_FAST: ('plain_train', True, False),
    'plain loop bf16+CL, 2-bit idx': ('plain_train', True, True),
    RUNNER_FP32: ('runner_train', False, None),
    RUNNER_FAST: ('runner_train', True, None),
}


def inference_specs(config: str, shape: Sequence[int], paths: Dict,
                    iters: int) -> Dict[str, Dict]:
    """Path label -> the inference measurement of ``config`` at ``shape``
    on that path."""
    return {
        label: dict(kind='inference', config=config, shape=list(shape),
                    bf16_channels_last=bf16_channels_last,
                    compact=compact, iters=iters)
        for label, (bf16_channels_last, compact) in paths.items()
    }


def training_specs(plain_config: str, runner_config: str,
                   shape: Sequence[int], batch: int, iters: int,
                   data_shape: Sequence[int]) -> Dict[str, Dict]:
    """Loop label -> its training-step measurement: the plain loops on
    ``plain_config``, the Runner on ``runner_config`` (training on
    synthetic ``data_shape`` frames resized to ``shape``)."""
    return {
        label: dict(kind=kind, config=runner_config
                    if kind == 'runner_train' else plain_config,
                    shape=list(shape), batch=batch,
                    bf16_channels_last=bf16_channels_last, compact=compact,
                    iters=iters, data_shape=list(data_shape))
        for label, (kind, bf16_channels_last, compact) in LOOPS.items()
    }


def best_peak(*peaks: Dict[str, float]) -> Dict[str, float]:
    """Per dtype the highest of several matmul peak measurements: a shared
    machine's noise only ever lowers them."""
    return {k: max(p[k] for p in peaks) for k in peaks[0]}


def inference_row(model: str, shape: Sequence[int], path: str,
                  bf16_channels_last: bool, cost: Dict, timing: Dict,
                  peak: Dict[str, float]) -> Dict:
    """One inference row: ``cost`` (params, macs) and ``timing`` (seconds
    per image, peak_mib), with the achieved GFLOP/s (2 FLOPs per MAC) as a
    percentage of the peak of the path's dtype."""
    gflops = 2 * cost['macs'] / timing['seconds'] / 1e9
    dtype = 'bf16' if bf16_channels_last else 'fp32'
    return dict(model=model, shape=list(shape), path=path,
                params=cost['params'], macs=cost['macs'], **timing,
                gflops=gflops, pct_peak=100 * gflops / peak[dtype])


def speed_ratios(rows: Sequence[Dict], train: Dict[str, Dict]) -> Dict:
    """The ratios the CPU speed targets are stated in, from SegNet's
    inference rows and the training loops."""
    seg = {r['path']: r for r in rows if r['model'] == 'SegNet'}
    return dict(
        runner_vs_plain_fast=train[RUNNER_FAST]['seconds'] /
        train[PLAIN_FAST]['seconds'],
        runner_fast_speedup_vs_fp32=train[RUNNER_FP32]['seconds'] /
        train[RUNNER_FAST]['seconds'],
        inference_pct_bf16_peak=seg[FAST_SEGNET]['pct_peak'],
        inference_mem_fast_vs_fp32=seg[FAST_SEGNET]['peak_mib'] /
        seg['fp32']['peak_mib'])


def measure_in_fresh_process(spec: Dict) -> Dict:
    """:func:`.benchmark.run_measurement` of ``spec`` in a fresh
    process."""
    return in_fresh_process(run_measurement, spec)


def run_inference_suite(
    models: Dict[str, Tuple[str, int, Dict]],
    shape: Sequence[int],
    iters: int,
    peak_before: Dict[str, float],
    measure: Callable[[Dict], Dict] = measure_in_fresh_process
) -> Tuple[List[Dict], Dict[str, float], Dict[str, Dict]]:
    """Cost and inference time of every model on each of its paths.

    Args:
        models (dict): Name -> (config, the side divisor the model needs,
            its paths: ``SEGNET_PATHS`` or ``BASELINE_PATHS``).
        shape (Sequence[int]): (H, W), rounded up to each divisor.
        iters (int): Timed iterations per measurement.
        peak_before (dict): The matmul peak measured before the models.
        measure (Callable): Runs one spec. Default: in a fresh process.

    Returns:
        tuple: :func:`inference_row` rows; the matmul peak, best of before
        and after the models; per model the ops its MACs leave out.
    """
    measured, uncounted = [], {}
    for name, (config, divisor, paths) in models.items():
        padded = round_up(shape, divisor)
        cost = measure(dict(kind='macs', config=config, shape=list(padded)))
        uncounted[name] = cost['unsupported']
        for label, spec in inference_specs(config, padded, paths,
                                           iters).items():
            measured.append((name, padded, label,
                             spec['bf16_channels_last'], cost,
                             measure(spec)))
    peak = best_peak(peak_before, measure(dict(kind='peak')))
    return [inference_row(*m, peak) for m in measured], peak, uncounted


def run_training_suite(
    plain_config: str,
    runner_config: str,
    shape: Sequence[int],
    batch: int,
    iters: int,
    data_shape: Sequence[int],
    measure: Callable[[Dict], Dict] = measure_in_fresh_process
) -> Dict[str, Dict]:
    """Loop label -> its measured training step (:func:`training_specs`,
    each run by ``measure``)."""
    return {
        label: measure(spec)
        for label, spec in training_specs(plain_config, runner_config, shape,
                                          batch, iters, data_shape).items()
    }
