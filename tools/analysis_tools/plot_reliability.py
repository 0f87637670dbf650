"""Reliability diagrams and uncertainty pictures of a checkpoint:
``python tools/analysis_tools/plot_reliability.py CONFIG CHECKPOINT
[--split test] [--num-images 24] [--temperature T] [--mc-samples 8]
[--out FILE] [--frames NAME ... --frames-out FILE] [--device cpu]
[--cfg-options ...]``.

``--out``: reliability diagrams (CalibrationMetric's 15 top-label
confidence bins) side by side on the first ``--num-images`` images of the
split, for weight averaging (``model.mc_samples=1``), weight averaging
with ``--temperature`` (a T ``tools/analysis_tools/fit_temperature.py``
fitted at ``mc_samples=1``) and MC dropout with ``--mc-samples`` samples.
``--frames-out``: one row per named image of the split: image |
prediction | error map | predictive entropy, with MC dropout.
Runs the model's ``test_step`` in fp32.
"""
import argparse
import time
from pathlib import Path

from mmengine.config import DictAction

from segnet_mm.analysis.reliability import (compute_reliability,
                                            default_settings,
                                            qualitative_frames)
from segnet_mm.visualization.reliability import (plot_qualitative,
                                                 plot_reliability)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Reliability diagrams and uncertainty pictures')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--split', default='test', choices=['train', 'val', 'test'],
        help="the config's dataloader to take images from (default: test)")
    parser.add_argument(
        '--num-images', type=int, default=24,
        help='first images of the split for the diagrams (default: 24)')
    parser.add_argument(
        '--temperature', type=float,
        help='also plot weight averaging with this T, fitted at '
        'mc_samples=1 by tools/analysis_tools/fit_temperature.py')
    parser.add_argument(
        '--mc-samples', type=int, default=8,
        help='MC dropout samples per image; below 2 no MC dropout diagram '
        '(default: 8)')
    parser.add_argument('--out', help='reliability diagram file (PNG ...)')
    parser.add_argument(
        '--frames', nargs='+', default=[],
        help='image file stems of the split for --frames-out')
    parser.add_argument(
        '--frames-out', help='figure of --frames: image | prediction | '
        'errors | entropy, MC dropout with --mc-samples')
    parser.add_argument('--seed', type=int, default=0,
                        help='torch seed of the dropout masks (default: 0)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    args = parser.parse_args()
    if not args.out and not args.frames_out:
        parser.error('nothing to do: give --out and/or --frames-out')
    if bool(args.frames) != bool(args.frames_out):
        parser.error('--frames and --frames-out go together')
    if args.frames_out and args.mc_samples < 2:
        parser.error('--frames-out needs --mc-samples >= 2, got '
                     f'{args.mc_samples}')
    return args


def diagrams(args):
    settings = default_settings(args.temperature, args.mc_samples)
    start = time.perf_counter()
    results = compute_reliability(args.config, args.checkpoint, settings,
                                  args.split, args.num_images, args.device,
                                  args.cfg_options, args.seed)
    seconds = time.perf_counter() - start
    for label, rel in results.items():
        print(f'{label}: ECE {rel.ece * 100:.2f}% over '
              f'{int(rel.count.sum())} pixels of {rel.images} images')
        for m, (n, acc, conf) in enumerate(
                zip(rel.count, rel.accuracy, rel.mean_confidence)):
            if n:
                print(f'  bin {m:2d}: {int(n):9d} px, accuracy {acc:.4f}, '
                      f'mean confidence {conf:.4f}')
    title = (f'{Path(args.checkpoint).name}: first {args.num_images} '
             f'{args.split} images, all settings on the same images, fp32')
    plot_reliability(results, args.out, title)
    print(f'wrote {args.out} (models run in {seconds:.1f} s)')


def frames(args):
    start = time.perf_counter()
    rows, meta = qualitative_frames(args.config, args.checkpoint,
                                    args.frames, args.split,
                                    args.mc_samples, args.device,
                                    args.cfg_options, args.seed)
    seconds = time.perf_counter() - start
    title = (f'{Path(args.checkpoint).name}: {args.split} frames, MC '
             f'dropout with {args.mc_samples} samples, fp32')
    plot_qualitative(rows, meta, args.frames_out, args.mc_samples, title)
    print(f'wrote {args.frames_out} ({len(rows)} frames, models run in '
          f'{seconds:.1f} s)')


def main():
    args = parse_args()
    if args.out:
        diagrams(args)
    if args.frames_out:
        frames(args)


if __name__ == '__main__':
    main()
