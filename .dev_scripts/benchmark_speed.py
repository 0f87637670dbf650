"""Speed and memory of SegNet next to stock mmseg models on this machine.

    python .dev_scripts/benchmark_speed.py [--shape 360 480]
        [--train-shape 180 240] [--batch 8] [--out results.json]

Prints, from one run: the machine's fp32/bf16 matmul peak; per model its
parameters, MACs at --shape (pooling and unpooling counted), batch-1
inference time, achieved GFLOP/s as % of the matching peak and peak memory
(tensors, from the profiler), for fp32 and the fast path (bf16 autocast +
channels-last; SegNet with int64 indices and with 2-bit window codes); and
SegNet's training step per image for a plain PyTorch loop and for
mmengine's Runner (configs/segnet_camvid_cpu_yardstick.py), fp32 and fast.
Each measurement (speed_suite.run_measurement) runs in a fresh process.
"""
import argparse
import json
import os.path as osp

import mmseg
import torch

import speed_suite as suite

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SEGNET = osp.join(REPO, 'configs/segnet_camvid.py')
RUNNER_CONFIG = osp.join(REPO, 'configs/segnet_camvid_cpu_yardstick.py')
# name -> (mmseg config, side divisor the model needs at inference)
BASELINES = {
    'UNet-S5-D16 + FCN':
    ('unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py', 16),
    'FCN R50-D8': ('fcn/fcn_r50-d8_4xb2-40k_cityscapes-512x1024.py', 1),
}
# The synthetic frames the Runner's training step reads, resized.
DATA_SHAPE = (360, 480)


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
    return parser.parse_args()


def inference_rows(args, peak_before: dict) -> tuple:
    """Measure every model and path; print the table; return its rows and
    the matmul peak (best of before and after the models)."""
    models = {'SegNet': (SEGNET, 1, suite.SEGNET_PATHS)}
    if not args.no_baselines:
        models.update({
            name: (mmseg_config(rel), divisor, suite.BASELINE_PATHS)
            for name, (rel, divisor) in BASELINES.items()
        })
    rows, peak, uncounted = suite.run_inference_suite(
        models, args.shape, args.iters, peak_before)
    for name, ops in uncounted.items():
        if ops:
            print(f'WARNING {name}: ops not counted: {ops}')
    print(suite.peak_line(peak, torch.get_num_threads()) + '\n')
    print(suite.inference_table(rows))
    return rows, peak


def training_steps(args) -> dict:
    """Measure SegNet's training step in every loop; print the table."""
    h, w = args.train_shape
    print(f'\nSegNet training step, batch {args.batch} at {h}x{w} '
          f'(Runner: {osp.relpath(RUNNER_CONFIG, REPO)}, synthetic '
          f'{DATA_SHAPE[0]}x{DATA_SHAPE[1]} data resized)')
    train = suite.run_training_suite(SEGNET, RUNNER_CONFIG, args.train_shape,
                                     args.batch, args.iters, DATA_SHAPE)
    print(suite.training_table(train, args.batch))
    return train


def main():
    args = parse_args()
    results = dict(machine=dict(threads=torch.get_num_threads(),
                                cpu=torch.backends.cpu.get_cpu_capability()))
    rows, results['peak_gflops'] = inference_rows(
        args, suite.measure_in_fresh_process(dict(kind='peak')))
    results['inference'] = rows
    results['train'] = training_steps(args)
    results['ratios'] = suite.speed_ratios(rows, results['train'])
    print('\n' + suite.ratios_text(results['ratios']))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)


if __name__ == '__main__':
    main()
