"""Post-training static int8 quantization for CPUs (ONNX Runtime, or
OpenVINO + NNCF): ``python tools/deployment/quantize.py CONFIG CHECKPOINT
--calib-dir DIR [--num-calib N] --out FILE [--backend onnxruntime|openvino]
[--shape H W] [--method minmax|percentile] [--float-input-conv]
[--check-image IMG] [--min-agreement F]
[--cfg-options k=v ...]``.

The int8 model is then checked against the float one on an image the
calibration did not see (default: the first image of DIR it left out), and
the tool fails below ``--min-agreement``, writing nothing. The int8
``.onnx`` (or OpenVINO ``.xml``) then takes the checkpoint's place in
``tools/test.py``, ``demo/image_demo.py`` and ``demo/video_demo.py``.
"""
import argparse
import os.path as osp
import sys


from mmengine.config import DictAction

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment.onnx_export import (AgreementError, check_onnx,
                                              prepare_input,
                                              written_if_accepted)
from segnet_mm.deployment.quantization import (calibration_images,
                                               held_out_image,
                                               int8_cpu_support)
from segnet_mm.deployment.quantize_backends import QUANTIZE_BACKENDS


def parse_args():
    parser = argparse.ArgumentParser(
        description='Quantize a segmentor to int8 (static, for the CPU)')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='float checkpoint file')
    parser.add_argument(
        '--calib-dir', required=True,
        help='directory of images to calibrate activation ranges on, '
        'e.g. the training images')
    parser.add_argument(
        '--num-calib', type=int, default=32,
        help='calibration images, evenly spaced in name order')
    parser.add_argument(
        '--out', required=True,
        help='int8 model to write: .onnx (onnxruntime) or .xml (openvino)')
    parser.add_argument(
        '--backend', choices=sorted(QUANTIZE_BACKENDS), default='onnxruntime',
        help='onnxruntime: QDQ ONNX graph; openvino: NNCF-quantized '
        'OpenVINO IR (pip install -e .[openvino])')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[360, 480], metavar=('H', 'W'),
        help='input height and width the graph is fixed to (the test '
        "pipeline's image size)")
    parser.add_argument(
        '--method', choices=['minmax', 'percentile'], default='minmax',
        help='activation range calibration')
    parser.add_argument(
        '--float-input-conv', action='store_true',
        help='keep the first convolution (on the RGB input) in float')
    parser.add_argument(
        '--check-image',
        help='image to check int8 against float on (resized to --shape), '
        'not a calibration image; default: the first image of --calib-dir '
        'the calibration left out')
    parser.add_argument(
        '--min-agreement', type=float, default=0.95,
        help='fail, writing nothing, if fewer pixels of --check-image than '
        "this get the float model's argmax class")
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    backend = QUANTIZE_BACKENDS[args.backend]
    if osp.splitext(args.out)[1].lower() != backend.suffix:
        sys.exit(f'--out {args.out}: the {args.backend} back end writes a '
                 f'{backend.suffix} file ({backend.runtime} runs it); name it '
                 f'*{backend.suffix}')
    support = int8_cpu_support()
    print('int8 dot-product instructions: ' + (
        ', '.join(support.flags) if support.flags else
        'none' + ('' if support.known else ' that /proc/cpuinfo shows') +
        f' ({backend.runtime} runs int8 with AVX2 kernels)'))
    images = calibration_images(args.calib_dir, args.num_calib)
    check_image = args.check_image or held_out_image(args.calib_dir, images)
    if check_image is None:
        sys.exit(f'all {len(images)} images of --calib-dir {args.calib_dir} '
                 'calibrate, none is left to check the int8 model on: lower '
                 '--num-calib or pass --check-image')
    if not osp.isfile(check_image):
        sys.exit(f'--check-image {check_image} can not be found')
    if osp.realpath(check_image) in map(osp.realpath, images):
        sys.exit(f'--check-image {check_image} is a calibration image: pick '
                 'one the calibration does not see')
    model = init_segmentor(args.config, args.checkpoint, 'cpu',
                           args.cfg_options)
    try:
        with written_if_accepted(args.out) as unchecked:
            backend.quantize(model, unchecked, images, args.shape, args.method,
                             float_input_conv=args.float_input_conv)
            check = check_onnx(model, unchecked,
                               prepare_input(model, args.shape, check_image))
            print(f'int8 vs float on {check_image} (not calibrated on): '
                  f'{check.summary(4)}')
            check.require(args.min_agreement, 4)
    except AgreementError as error:
        sys.exit(f'{error} (a lower --min-agreement accepts it)')
    print(f'wrote {args.out}: int8 ({backend.runtime}), input '
          f'1x3x{args.shape[0]}x{args.shape[1]}, calibrated on '
          f'{len(images)} image(s) of {args.calib_dir} ({args.method}'
          f"{', input conv in float' if args.float_input_conv else ''})")


if __name__ == '__main__':
    main()
