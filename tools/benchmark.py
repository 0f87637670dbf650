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
Each measurement runs in a fresh process.
"""
import argparse
import json
import os.path as osp
import subprocess
import sys
import tempfile

import mmseg
import torch

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SEGNET = osp.join(REPO, 'configs/segnet_camvid.py')
RUNNER_CONFIG = osp.join(REPO, 'configs/segnet_camvid_cpu_yardstick.py')
BASELINES = {
    'UNet-S5-D16 + FCN': 'unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py',
    'FCN R50-D8': 'fcn/fcn_r50-d8_4xb2-40k_cityscapes-512x1024.py',
}


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


def worker(spec: dict) -> dict:
    """One measurement, in this process."""
    import segnet_mm  # noqa: F401
    from mmseg.utils import register_all_modules
    from segnet_mm.utils import benchmark as bm
    register_all_modules()
    kind = spec.pop('kind')
    if kind == 'peak':
        return dict(fp32=bm.matmul_peak(torch.float32),
                    bf16=bm.matmul_peak(torch.bfloat16))
    if kind == 'macs':
        from segnet_mm.utils.complexity import SegmentorLogits, count_macs
        model = bm.build_model(spec['config'], fast=False).eval()
        total, unsupported, _ = count_macs(
            SegmentorLogits(model), torch.randn(1, 3, *spec['shape']))
        return dict(
            macs=total, unsupported=dict(unsupported),
            params=sum(p.numel() for p in model.parameters()))
    if kind == 'inference':
        return bm.inference(spec['config'], spec['shape'], spec['fast'],
                            spec.get('compact'), iters=spec['iters'])
    if kind == 'plain_train':
        return bm.plain_train_step(spec['config'], spec['shape'],
                                   spec['batch'], spec['fast'],
                                   spec.get('compact'), iters=spec['iters'])
    if kind == 'runner_train':
        with tempfile.TemporaryDirectory() as tmp:
            root = bm.write_train_images(
                osp.join(tmp, 'data'), spec['data_shape'], spec['batch'] * 2)
            return bm.runner_train_step(spec['config'], root,
                                        osp.join(tmp, 'work'), spec['shape'],
                                        spec['batch'], spec['fast'],
                                        iters=spec['iters'])
    raise ValueError(f'unknown measurement {kind!r}')


def measure(**spec) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, '--worker', json.dumps(spec)],
        capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f'measurement {spec} failed:\n'
                           f'{proc.stderr[-2000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def model_shape(config: str, shape):
    """UNet needs sides divisible by 16: round up (noted in the table)."""
    if 'unet' in config:
        return [-(-s // 16) * 16 for s in shape]
    return list(shape)


def main():
    args = parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return
    results = dict(machine=dict(threads=torch.get_num_threads(),
                                cpu=torch.backends.cpu.get_cpu_capability()))
    # The peak is measured before and after the models, best of both: a
    # shared machine's noise only ever lowers it.
    first = measure(kind='peak')
    models = {'SegNet': SEGNET}
    if not args.no_baselines:
        models.update({k: mmseg_config(v) for k, v in BASELINES.items()})
    rows = []
    timed = []
    header = ('| model | input | params (M) | GMACs | path | ms/img | img/s | '
              'GFLOP/s | % of peak | peak tensor mem (MiB) |\n'
              '|---|---|---|---|---|---|---|---|---|---|')
    for name, config in models.items():
        shape = model_shape(config, args.shape)
        info = measure(kind='macs', config=config, shape=shape)
        if info['unsupported']:
            print(f'WARNING {name}: ops not counted: {info["unsupported"]}')
        paths = [('fp32', False, None), ('bf16+CL', True, None)]
        if name == 'SegNet':
            paths = [('fp32', False, False),
                     ('bf16+CL, int64 idx', True, False),
                     ('bf16+CL, 2-bit idx', True, True)]
        for label, fast, compact in paths:
            r = measure(kind='inference', config=config, shape=shape,
                        fast=fast, compact=compact, iters=args.iters)
            timed.append((name, shape, info, label, fast, r))
    last = measure(kind='peak')
    peak = {k: max(first[k], last[k]) for k in first}
    results['peak_gflops'] = peak
    print(f'matmul peak (4096^3, best of 5, before and after): fp32 '
          f'{peak["fp32"]:.0f} GFLOP/s, bf16 {peak["bf16"]:.0f} GFLOP/s, '
          f'{torch.get_num_threads()} threads\n')
    print(header)
    for name, shape, info, label, fast, r in timed:
        gflops = 2 * info['macs'] / r['seconds'] / 1e9
        ref = peak['bf16' if fast else 'fp32']
        row = dict(model=name, shape=shape, path=label,
                   params=info['params'], macs=info['macs'], **r,
                   gflops=gflops, pct_peak=100 * gflops / ref)
        rows.append(row)
        print(f'| {name} | {shape[0]}x{shape[1]} | '
              f'{info["params"] / 1e6:.2f} | {info["macs"] / 1e9:.1f} | '
              f'{label} | {1000 * r["seconds"]:.0f} | '
              f'{1 / r["seconds"]:.2f} | {gflops:.0f} | '
              f'{row["pct_peak"]:.0f}% | {r["peak_mib"]:.0f} |')
    results['inference'] = rows

    h, w = args.train_shape
    print(f'\nSegNet training step, batch {args.batch} at {h}x{w} '
          f'(Runner: {osp.relpath(RUNNER_CONFIG, REPO)}, synthetic 360x480 '
          'data resized)')
    train = {}
    for label, kind, fast, compact in [
        ('plain loop fp32', 'plain_train', False, False),
        ('plain loop bf16+CL', 'plain_train', True, False),
        ('plain loop bf16+CL, 2-bit idx', 'plain_train', True, True),
        ('Runner fp32 (OptimWrapper)', 'runner_train', False, None),
        ('Runner bf16+CL (config)', 'runner_train', True, None),
    ]:
        train[label] = measure(
            kind=kind, config=RUNNER_CONFIG if kind == 'runner_train' else
            SEGNET, shape=[h, w], batch=args.batch, fast=fast,
            compact=compact, iters=args.iters, data_shape=[360, 480])
    print('| loop | s/iter | s/img | peak tensor mem (MiB) |')
    print('|---|---|---|---|')
    for label, r in train.items():
        mem = f'{r["peak_mib"]:.0f}' if 'peak_mib' in r else '–'
        print(f'| {label} | {r["seconds"]:.2f} | '
              f'{r["seconds"] / args.batch:.3f} | {mem} |')
    runner_fast = train['Runner bf16+CL (config)']['seconds']
    plain_fast = train['plain loop bf16+CL']['seconds']
    runner_fp32 = train['Runner fp32 (OptimWrapper)']['seconds']
    seg = {r['path']: r for r in rows if r['model'] == 'SegNet'}
    ratios = dict(
        runner_vs_plain_fast=runner_fast / plain_fast,
        runner_fast_speedup_vs_fp32=runner_fp32 / runner_fast,
        inference_pct_bf16_peak=seg['bf16+CL, 2-bit idx']['pct_peak'],
        inference_mem_fast_vs_fp32=seg['bf16+CL, 2-bit idx']['peak_mib'] /
        seg['fp32']['peak_mib'])
    results['train'] = train
    results['ratios'] = ratios
    print('\nRatios against the CPU speed targets:')
    print(f'  Runner fast / plain bf16+CL loop: '
          f'{ratios["runner_vs_plain_fast"]:.2f}x (target <= 1.1)')
    print(f'  Runner fp32 / Runner fast: '
          f'{ratios["runner_fast_speedup_vs_fp32"]:.2f}x (target >= 4)')
    print(f'  inference, fast path: {ratios["inference_pct_bf16_peak"]:.0f}% '
          'of the bf16 matmul peak (target >= 60%)')
    print(f'  inference peak memory fast / fp32: '
          f'{ratios["inference_mem_fast_vs_fp32"]:.2f} (target <= 0.7)')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
