"""Segment images and save colour masks and overlays: ``python
demo/image_demo.py IMAGE_OR_DIR CONFIG CHECKPOINT --out-dir DIR
[--device cpu] [--opacity 0.5] [--with-labels] [--cfg-options k=v ...]``."""
import argparse


from mmengine.config import DictAction

from segnet_mm.apis import find_images, init_segmentor, segment_images


def parse_args():
    parser = argparse.ArgumentParser(
        description='Write <name>_mask.png and <name>_overlay.png per image')
    parser.add_argument('input', help='an image, or a directory of images')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        'checkpoint', help='checkpoint file, or an .onnx model (e.g. the '
        'int8 one tools/deployment/quantize.py writes)')
    parser.add_argument('--out-dir', required=True, help='output directory')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--opacity', type=float, default=0.5,
        help='opacity of the painted prediction in the overlay, (0, 1]')
    parser.add_argument(
        '--with-labels', action='store_true',
        help='write class names on the overlays')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    images = find_images(args.input)
    model = init_segmentor(args.config, args.checkpoint, args.device,
                           args.cfg_options)
    segment_images(model, images, args.out_dir, args.opacity,
                   args.with_labels)
    print(f'\nwrote {len(images)} mask(s) and overlay(s) to {args.out_dir}')


if __name__ == '__main__':
    main()
