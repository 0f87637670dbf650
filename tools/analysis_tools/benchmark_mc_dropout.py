"""Monte Carlo dropout's cost per image against weight averaging:

    python tools/analysis_tools/benchmark_mc_dropout.py CONFIG CHECKPOINT
        [--samples 1 2 4 8 16 32] [--shape 360 480] [--iters 3]
        [--threads N] [--cfg-options k=v ...]

Prints the machine (CPU model, threads) and a markdown table of ms per
image and its ratio to T = 1 (weight averaging), fp32 on the CPU.
"""
import argparse

import torch
from mmengine.config import DictAction

from segnet_mm.analysis.comparison import machine_name
from segnet_mm.analysis.mc_dropout_speed import (MC_SAMPLES,
                                                 mc_dropout_ms_per_image)
from segnet_mm.analysis.report import mc_dropout_table


def parse_args():
    parser = argparse.ArgumentParser(
        description='ms per image of MC dropout against weight averaging')
    parser.add_argument('config', help='config of an MCDropoutEncoderDecoder')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--samples', type=int, nargs='+',
                        default=list(MC_SAMPLES),
                        help='numbers of dropout samples T (1: weight '
                        'averaging)')
    parser.add_argument('--shape', type=int, nargs=2, default=[360, 480])
    parser.add_argument('--iters', type=int, default=3,
                        help='timed runs per T; the median is reported')
    parser.add_argument('--threads', type=int,
                        help='torch threads (default: torch\'s own)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    ms = mc_dropout_ms_per_image(args.config, args.checkpoint, args.samples,
                                 args.shape, iters=args.iters,
                                 cfg_options=args.cfg_options)
    print(f'{machine_name()}, fp32, input {args.shape[0]}x{args.shape[1]}, '
          f'median of {args.iters}\n')
    print(mc_dropout_table(ms))


if __name__ == '__main__':
    main()
