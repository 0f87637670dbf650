"""Export to ONNX and check onnxruntime against PyTorch:
``python tools/deployment/export_onnx.py CONFIG CHECKPOINT [--shape H W]
[--out FILE] [--image IMG] [--opset N] [--min-agreement F]
[--cfg-options k=v ...]``."""
import argparse
import sys

from mmengine.config import DictAction

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment.onnx_export import (AgreementError, check_onnx,
                                              export_onnx, prepare_input,
                                              written_if_accepted)


def parse_args():
    parser = argparse.ArgumentParser(description='Export a segmentor to ONNX')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[360, 480], metavar=('H', 'W'),
        help='input height and width the graph is fixed to')
    parser.add_argument('--out', default='model.onnx', help='output file')
    parser.add_argument(
        '--image', help='image for the check (resized to --shape); '
        'default: random pixels')
    parser.add_argument('--opset', type=int, default=17, help='>= 14')
    parser.add_argument(
        '--min-agreement', type=float, default=0.999,
        help='fail, writing nothing, if fewer pixels than this share the '
        'argmax class')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    if not args.out.lower().endswith('.onnx'):
        sys.exit(f'--out {args.out}: this tool writes an ONNX graph; name '
                 'it *.onnx')
    model = init_segmentor(args.config, args.checkpoint, 'cpu',
                           args.cfg_options)
    try:
        with written_if_accepted(args.out) as unchecked:
            export_onnx(model, unchecked, args.shape, args.opset)
            inputs = prepare_input(model, args.shape, args.image)
            check = check_onnx(model, unchecked, inputs)
            image = args.image or 'a random image'
            print(f'onnxruntime vs PyTorch on {image}: {check.summary(6)}')
            check.require(args.min_agreement, 6)
    except AgreementError as error:
        sys.exit(f'{error} (a lower --min-agreement accepts it)')
    print(f'wrote {args.out} (opset {args.opset}, input 1x3x'
          f'{check.shape[0]}x{check.shape[1]})')


if __name__ == '__main__':
    main()
