"""What ``tools/benchmark.py`` measures and reports, from measured numbers:
the measurements it runs (as :func:`.benchmark.run_measurement` specs),
each inference row's GFLOP/s and share of the matching matmul peak, the
printed tables, and the ratios the CPU speed targets are stated in.
Nothing here measures."""
from typing import Dict, Sequence

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


def peak_line(peak: Dict[str, float], threads: int) -> str:
    return (f'matmul peak (4096^3, best of 5, before and after): fp32 '
            f'{peak["fp32"]:.0f} GFLOP/s, bf16 {peak["bf16"]:.0f} GFLOP/s, '
            f'{threads} threads')


def inference_table(rows: Sequence[Dict]) -> str:
    """The markdown table of :func:`inference_row` rows."""
    lines = [
        '| model | input | params (M) | GMACs | path | ms/img | img/s | '
        'GFLOP/s | % of peak | peak tensor mem (MiB) |',
        '|---|---|---|---|---|---|---|---|---|---|'
    ]
    for r in rows:
        lines.append(
            f'| {r["model"]} | {r["shape"][0]}x{r["shape"][1]} | '
            f'{r["params"] / 1e6:.2f} | {r["macs"] / 1e9:.1f} | '
            f'{r["path"]} | {1000 * r["seconds"]:.0f} | '
            f'{1 / r["seconds"]:.2f} | {r["gflops"]:.0f} | '
            f'{r["pct_peak"]:.0f}% | {r["peak_mib"]:.0f} |')
    return '\n'.join(lines)


def training_table(train: Dict[str, Dict], batch: int) -> str:
    """The markdown table of the training loops' seconds per iteration,
    per image (``batch`` images an iteration) and peak memory (– where
    not measured)."""
    lines = ['| loop | s/iter | s/img | peak tensor mem (MiB) |',
             '|---|---|---|---|']
    for label, r in train.items():
        mem = f'{r["peak_mib"]:.0f}' if 'peak_mib' in r else '–'
        lines.append(f'| {label} | {r["seconds"]:.2f} | '
                     f'{r["seconds"] / batch:.3f} | {mem} |')
    return '\n'.join(lines)


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


def ratios_text(ratios: Dict) -> str:
    """:func:`speed_ratios` next to their targets."""
    lines = [
        'Ratios against the CPU speed targets:',
        f'  Runner fast / plain bf16+CL loop: '
        f'{ratios["runner_vs_plain_fast"]:.2f}x (target <= 1.1)',
        f'  Runner fp32 / Runner fast: '
        f'{ratios["runner_fast_speedup_vs_fp32"]:.2f}x (target >= 4)',
        f'  inference, fast path: {ratios["inference_pct_bf16_peak"]:.0f}% '
        'of the bf16 matmul peak (target >= 60%)',
        f'  inference peak memory fast / fp32: '
        f'{ratios["inference_mem_fast_vs_fp32"]:.2f} (target <= 0.7)'
    ]
    return '\n'.join(lines)
