"""int8 against float inference on this CPU (PyTorch fp32 and bf16, ONNX
Runtime fp32 and int8; OpenVINO fp32, bf16 (where the CPU has bf16
hardware) and int8 with the openvino extra;
PT2E int8 with the pt2e extra):
``python
tools/analysis_tools/benchmark_int8.py CONFIG [--checkpoint CKPT]
[--calib-dir DIR [--num-calib N]] [--float-input-conv] [--shape H W]
[--iters N] [--threads N] [--paths ...] [--profile] [--out JSON]``.
Without ``--checkpoint`` the weights are freshly initialised and the int8
paths calibrated on two random images; with it and ``--calib-dir`` every
path runs the trained weights, quantized as
``tools/deployment/quantize.py`` quantizes them. Prints the CPU
(model name and the flags that decide int8 and bf16 speed), the threads
every path runs on, the model's MACs and one table (median ms/img, % of
each arithmetic's measured peak, speed-up over the fastest float path, peak
memory); with ``--profile`` also the ms per op kind of each ONNX Runtime
and OpenVINO path. The paths ending in '(flat index ops)' run SegNet's index
pooling in its earlier formulation (int64 indices, Div/Mod, 6-D Where), to
compare."""
import argparse
import json
import os

from mmseg.utils import register_all_modules
from segnet_mm.analysis.benchmark import macs_and_params
from segnet_mm.analysis.inference_paths import (ALL_PATHS, PATHS,
                                                time_inference_paths)
from segnet_mm.analysis.report import op_time_table, path_speed_table
from segnet_mm.apis.inference import is_runtime_model
from segnet_mm.deployment.quantization import calibration_images
from segnet_mm.utils import read_cpuinfo


def parse_args():
    parser = argparse.ArgumentParser(description='int8 vs float on the CPU')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--checkpoint',
        help='weights of every path (default: freshly initialised)')
    parser.add_argument(
        '--calib-dir',
        help='images the int8 paths are calibrated on, e.g. the training '
        'images (default: two random images)')
    parser.add_argument(
        '--num-calib', type=int, default=32,
        help='calibration images of --calib-dir, evenly spaced in name '
        'order')
    parser.add_argument(
        '--float-input-conv', action='store_true',
        help='keep the input convolution of the int8 paths in float')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[360, 480], metavar=('H', 'W'))
    parser.add_argument('--iters', type=int, default=5,
                        help='timed runs per path; the median is reported')
    parser.add_argument(
        '--threads', type=int, default=len(os.sched_getaffinity(0)),
        help='threads of every path: torch.set_num_threads, ONNX '
        "Runtime's intra_op_num_threads and OpenVINO's "
        'INFERENCE_NUM_THREADS (default: the cores available)')
    parser.add_argument('--paths', nargs='+', default=list(PATHS),
                        choices=ALL_PATHS, help='paths to measure')
    parser.add_argument(
        '--profile', action='store_true',
        help="also print the ms per op kind of each ONNX Runtime path (its "
        "profiler) and OpenVINO path (its per-layer counters: layer type "
        'and kernel), --iters runs')
    parser.add_argument('--out', help='also write the rows as JSON here')
    args = parser.parse_args()
    if args.checkpoint and is_runtime_model(args.checkpoint):
        parser.error(f'--checkpoint {args.checkpoint} is a deployed model: '
                     'pass the float checkpoint it was made from')
    if args.checkpoint and not args.calib_dir and any(
            'int8' in path for path in args.paths):
        parser.error('--checkpoint needs --calib-dir for the int8 paths, to '
                     'calibrate the trained weights on real images as '
                     'tools/deployment/quantize.py does')
    return args


def main():
    args = parse_args()
    register_all_modules()
    cpu = read_cpuinfo().describe()
    print(f'CPU: {cpu}')
    print(f'threads: {args.threads} per path (torch.set_num_threads, ONNX '
          'Runtime intra_op_num_threads, OpenVINO INFERENCE_NUM_THREADS)')
    images = calibration_images(args.calib_dir, args.num_calib) \
        if args.calib_dir else ()
    macs = macs_and_params(args.config, args.shape)['macs']
    rows = time_inference_paths(args.config, args.shape, args.paths,
                                args.iters, args.threads,
                                profile=args.profile,
                                checkpoint=args.checkpoint,
                                calib_images=images,
                                float_input_conv=args.float_input_conv)
    weights = args.checkpoint or 'freshly initialised weights'
    calibration = (f'{len(images)} image(s) of {args.calib_dir}'
                   if images else 'two random images')
    print(f'{args.config} at {args.shape[0]}x{args.shape[1]}, batch 1, '
          f'{macs / 1e9:.1f} GMACs, median of {args.iters} runs; '
          f'{weights}, int8 calibrated on {calibration}'
          f"{', input conv in float' if args.float_input_conv else ''}")
    print(path_speed_table(rows, macs))
    profiles = {r.name: r.op_ms for r in rows if r.op_ms}
    if profiles:
        print('\nms per run by op kind (ONNX Runtime: its profiler; '
              'OpenVINO: layer type and kernel):')
        print(op_time_table(profiles))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(cpu=cpu, threads=args.threads, macs=macs,
                           checkpoint=args.checkpoint,
                           calib_images=list(images),
                           float_input_conv=args.float_input_conv,
                           rows=[r._asdict() for r in rows]), f, indent=1)


if __name__ == '__main__':
    main()
