"""Segment a video file or a camera and write the overlay video:

    python demo/video_demo.py VIDEO_OR_CAMERA_ID CONFIG CHECKPOINT
        [--out OUT.mp4] [--show] [--device cpu] [--opacity 0.5] [--batch N]
        [--every K] [--uncertainty [--num-samples T]] [--fp32]
        [--mask-dir DIR] [--cfg-options k=v ...]

The output has the input's size and frame rate (with --uncertainty the
predictive entropy of T dropout samples sits right of each overlay, so
twice the width). On a CPU with bf16 hardware it runs bf16 autocast with
channels-last weights unless --fp32; on one without, fp32. Bad input
(unreadable video, camera that does not open, output folder or extension
OpenCV can not write) fails before the model is built.
"""
import argparse

import cv2
import torch
from mmengine.config import DictAction

from segnet_mm.apis import (init_mc_dropout_segmentor, init_segmentor,
                            segment_video)
from segnet_mm.apis.video import open_video, open_writer, video_properties
from segnet_mm.engine import cpu_has_bf16_hardware


def parse_args():
    parser = argparse.ArgumentParser(
        description='Segment a video or camera, write the overlay video')
    parser.add_argument('source',
                        help='video file, or camera index (0, 1 ...)')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint', help='checkpoint file, or an .onnx model (e.g. the '
        'int8 one tools/deployment/quantize.py writes)')
    parser.add_argument('--out', help='output video (.mp4 or .avi)')
    parser.add_argument('--show', action='store_true',
                        help='show the output frames in a window')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='opacity of the painted prediction, (0, 1]')
    parser.add_argument('--batch', type=int, default=4,
                        help='frames per forward pass')
    parser.add_argument('--every', type=int, default=1,
                        help='segment every K-th frame (the others reuse '
                        'the last prediction)')
    parser.add_argument('--uncertainty', action='store_true',
                        help='Monte Carlo dropout entropy beside each '
                        'overlay (a config with dropout: Bayesian SegNet)')
    parser.add_argument('--num-samples', type=int, default=None,
                        help="dropout samples T (default: the config's "
                        'model.mc_samples)')
    parser.add_argument('--fp32', action='store_true',
                        help='no bf16 autocast / channels-last on the CPU')
    parser.add_argument('--mask-dir',
                        help='also write each segmented frame\'s colour mask')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value')
    args = parser.parse_args()
    if not args.out and not args.show:
        parser.error('give --out, --show or both')
    return args


def main():
    args = parse_args()
    # Every input and output is checked before the model is built.
    cap = open_video(args.source)
    fps, (w, h), count = video_properties(cap)
    writer = open_writer(args.out, fps, (2 * w if args.uncertainty else w,
                                         h)) if args.out else None
    if args.show:
        try:
            cv2.namedWindow('segnet-mm')
        except cv2.error as err:
            raise RuntimeError('--show needs OpenCV with a GUI and a '
                               'display') from err
    if args.uncertainty:
        model = init_mc_dropout_segmentor(args.config, args.checkpoint,
                                          args.num_samples, args.device,
                                          args.cfg_options)
    else:
        model = init_segmentor(args.config, args.checkpoint, args.device,
                               args.cfg_options)
    bf16 = args.device == 'cpu' and not args.fp32
    if bf16 and not cpu_has_bf16_hardware():
        print('this CPU has no bf16 hardware (AVX512-BF16 or AMX): bf16 '
              'would be emulated, many times slower, so it runs in fp32')
        bf16 = False
    if bf16:
        model = model.to(memory_format=torch.channels_last)
    print(f'{args.source}: {w}x{h}, {fps:.2f} frames/s, '
          f'{count or "unknown number of"} frames')
    try:
        stats = segment_video(model, cap, writer, args.opacity, args.batch,
                              args.every, args.uncertainty, bf16,
                              args.mask_dir, args.show)
    finally:
        cap.release()
        if writer is not None:
            writer.release()
    print(f'\n{stats.frames} frames ({stats.segmented} segmented) in '
          f'{stats.seconds:.1f} s: {stats.fps:.2f} frames/s')
    if stats.ended_early:
        print(f'the video ended after {stats.frames} of its {stats.expected} '
              'frames (end of stream or a frame that could not be decoded); '
              'the frames read were written')
    if args.out:
        print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
