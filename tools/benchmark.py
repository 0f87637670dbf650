"""Speed and memory of SegNet next to stock mmseg models on this machine.

    python tools/benchmark.py [--shape 360 480] [--train-shape 180 240]
        [--batch 8] [--out results.json]

Prints, from one run: the machine's fp32/bf16 matmul peak; per model its
parameters, MACs at --shape (pooling and unpooling counted), batch-1
inference time, achieved GFLOP/s as % of the matching peak and peak memory
(tensors, from the profiler), for fp32 and the fast path (bf16 autocast +
channels-last; SegNet with int64 indices and with 2-bit window codes); and
SegNet's training step per image for a plain PyTorch loop and for
mmengine's Runner (configs/segnet_camvid_cpu_yardstick.py), fp32 and fast.
Each measurement (segnet_mm.analysis.benchmark.run_measurement) runs in a
fresh process.
"""
import argparse
import json
import os.path as osp
import subprocess
import sys

import mmseg
import torch

from segnet_mm.analysis.comparison import round_up

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SEGNET = osp.join(REPO, 'configs/segnet_camvid.py')
RUNNER_CONFIG = osp.join(REPO, 'configs/segnet_camvid_cpu_yardstick.py')
# name -> (mmseg config, side divisor the model needs at inference)
BASELINES = {
    'UNet-S5-D16 + FCN':
    ('unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py', 16),
    'FCN R50-D8': ('fcn/fcn_r50-d8_4xb2-40k_cityscapes-512x1024.py', 1),
}
# Inference paths: label -> (bf16_channels_last, compact indices); SegNet
# has both index kinds, the baselines none.
SEGNET_PATHS = {
    'fp32': (False, False),
    'bf16+CL, int64 idx': (True, False),
    'bf16+CL, 2-bit idx': (True, True),
}
BASELINE_PATHS = {'fp32': (False, None), 'bf16+CL': (True, None)}
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
FAST_SEGNET = 'bf16+CL, 2-bit idx'


def mmseg_config(rel: str) -> str:
    return osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs', rel)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shape', type=int, nargs=2, default=[360, 480])
    parser.add_argument('--train-shape', type=int, nargs=2,
                        default=[180, 240])
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--iters', type=int, default=4,
                        help='timed iterations per measurement')
    parser.add_argument('--no-baselines', action='store_true',
                        help='SegNet only')
    parser.add_argument('--out', help='also write the results as JSON')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    return parser.parse_args()


def measure_in_fresh_process(**spec) -> dict:
    """segnet_mm.analysis.benchmark.run_measurement(spec) in a fresh
    process."""
    proc = subprocess.run(
        [sys.executable, __file__, '--worker', json.dumps(spec)],
        capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'measurement {spec} failed:\n'
                           f'{proc.stderr[-2000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_worker(spec: str) -> None:
    import segnet_mm  # noqa: F401
    from mmseg.utils import register_all_modules
    from segnet_mm.analysis.benchmark import run_measurement
    register_all_modules()
    print(json.dumps(run_measurement(json.loads(spec))))


def inference_table(args, peak_before: dict) -> tuple:
    """Measure every model and path; print the table; return its rows and
    the matmul peak (best of before and after the models)."""
    models = {'SegNet': (SEGNET, 1, SEGNET_PATHS)}
    if not args.no_baselines:
        models.update({name: (mmseg_config(rel), divisor, BASELINE_PATHS)
                       for name, (rel, divisor) in BASELINES.items()})
    timed = []
    for name, (config, divisor, paths) in models.items():
        shape = list(round_up(args.shape, divisor))
        info = measure_in_fresh_process(kind='macs', config=config,
                                        shape=shape)
        if info['unsupported']:
            print(f'WARNING {name}: ops not counted: {info["unsupported"]}')
        for label, (bf16_channels_last, compact) in paths.items():
            result = measure_in_fresh_process(
                kind='inference', config=config, shape=shape,
                bf16_channels_last=bf16_channels_last, compact=compact,
                iters=args.iters)
            timed.append(
                (name, shape, info, label, bf16_channels_last, result))
    # A shared machine's noise only ever lowers the peak: keep the best.
    peak_after = measure_in_fresh_process(kind='peak')
    peak = {k: max(peak_before[k], peak_after[k]) for k in peak_before}
    print(f'matmul peak (4096^3, best of 5, before and after): fp32 '
          f'{peak["fp32"]:.0f} GFLOP/s, bf16 {peak["bf16"]:.0f} GFLOP/s, '
          f'{torch.get_num_threads()} threads\n')
    print('| model | input | params (M) | GMACs | path | ms/img | img/s | '
          'GFLOP/s | % of peak | peak tensor mem (MiB) |\n'
          '|---|---|---|---|---|---|---|---|---|---|')
    rows = []
    for name, shape, info, label, bf16_channels_last, r in timed:
        gflops = 2 * info['macs'] / r['seconds'] / 1e9
        dtype = 'bf16' if bf16_channels_last else 'fp32'
        row = dict(model=name, shape=shape, path=label,
                   params=info['params'], macs=info['macs'], **r,
                   gflops=gflops, pct_peak=100 * gflops / peak[dtype])
        rows.append(row)
        print(f'| {name} | {shape[0]}x{shape[1]} | '
              f'{info["params"] / 1e6:.2f} | {info["macs"] / 1e9:.1f} | '
              f'{label} | {1000 * r["seconds"]:.0f} | '
              f'{1 / r["seconds"]:.2f} | {gflops:.0f} | '
              f'{row["pct_peak"]:.0f}% | {r["peak_mib"]:.0f} |')
    return rows, peak


def training_table(args) -> dict:
    """Measure SegNet's training step in every loop; print the table."""
    h, w = args.train_shape
    print(f'\nSegNet training step, batch {args.batch} at {h}x{w} '
          f'(Runner: {osp.relpath(RUNNER_CONFIG, REPO)}, synthetic 360x480 '
          'data resized)')
    train = {
        label: measure_in_fresh_process(
            kind=kind, config=RUNNER_CONFIG
            if kind == 'runner_train' else SEGNET, shape=[h, w],
            batch=args.batch, bf16_channels_last=bf16_channels_last,
            compact=compact, iters=args.iters, data_shape=[360, 480])
        for label, (kind, bf16_channels_last, compact) in LOOPS.items()
    }
    print('| loop | s/iter | s/img | peak tensor mem (MiB) |')
    print('|---|---|---|---|')
    for label, r in train.items():
        mem = f'{r["peak_mib"]:.0f}' if 'peak_mib' in r else '–'
        print(f'| {label} | {r["seconds"]:.2f} | '
              f'{r["seconds"] / args.batch:.3f} | {mem} |')
    return train


def ratios(rows: list, train: dict) -> dict:
    """The ratios the CPU speed targets are stated in; printed."""
    seg = {r['path']: r for r in rows if r['model'] == 'SegNet'}
    found = dict(
        runner_vs_plain_fast=train[RUNNER_FAST]['seconds'] /
        train[PLAIN_FAST]['seconds'],
        runner_fast_speedup_vs_fp32=train[RUNNER_FP32]['seconds'] /
        train[RUNNER_FAST]['seconds'],
        inference_pct_bf16_peak=seg[FAST_SEGNET]['pct_peak'],
        inference_mem_fast_vs_fp32=seg[FAST_SEGNET]['peak_mib'] /
        seg['fp32']['peak_mib'])
    print('\nRatios against the CPU speed targets:')
    print(f'  Runner fast / plain bf16+CL loop: '
          f'{found["runner_vs_plain_fast"]:.2f}x (target <= 1.1)')
    print(f'  Runner fp32 / Runner fast: '
          f'{found["runner_fast_speedup_vs_fp32"]:.2f}x (target >= 4)')
    print(f'  inference, fast path: {found["inference_pct_bf16_peak"]:.0f}% '
          'of the bf16 matmul peak (target >= 60%)')
    print(f'  inference peak memory fast / fp32: '
          f'{found["inference_mem_fast_vs_fp32"]:.2f} (target <= 0.7)')
    return found


def main():
    args = parse_args()
    if args.worker:
        run_worker(args.worker)
        return
    results = dict(machine=dict(threads=torch.get_num_threads(),
                                cpu=torch.backends.cpu.get_cpu_capability()))
    rows, results['peak_gflops'] = inference_table(
        args, measure_in_fresh_process(kind='peak'))
    results['inference'] = rows
    results['train'] = training_table(args)
    results['ratios'] = ratios(rows, results['train'])
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
