"""Bayesian SegNet uncertainty maps: ``python demo/uncertainty_demo.py
IMAGE_OR_DIR CONFIG CHECKPOINT --out-dir DIR [--num-samples T]
[--device cpu] [--cfg-options k=v ...]`` (arguments in demo/image_demo.py's
order).

Writes ``<name>_pred.png`` (class indices, palette PNG), ``<name>_entropy.png``
and ``<name>_variance.png`` (16-bit: entropy / log K and variance * K^2 /
(K - 1), times 65535) per image.
"""
import argparse


from mmengine.config import DictAction

from segnet_mm.apis import (find_images, init_mc_dropout_segmentor,
                            save_uncertainty)


def parse_args():
    parser = argparse.ArgumentParser(
        description='MC-dropout prediction, entropy and variance maps')
    parser.add_argument('input', help='an image, or a directory of images')
    parser.add_argument('config', help='config file (an EncoderDecoder with '
                        'dropout, e.g. configs/bayesian-segnet_camvid.py)')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out-dir', required=True, help='output directory')
    parser.add_argument(
        '--num-samples',
        type=int,
        help='dropout samples per image (default: model.mc_samples, else 16)')
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda:0')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings in the config, key=value pairs')
    return parser.parse_args()


def main():
    args = parse_args()
    images = find_images(args.input)
    model = init_mc_dropout_segmentor(args.config, args.checkpoint,
                                      args.num_samples, args.device,
                                      args.cfg_options)
    save_uncertainty(model, images, args.out_dir)
    print(f'wrote prediction, entropy and variance maps of {len(images)} '
          f'image(s) to {args.out_dir} ({model.mc_samples} samples each)')


if __name__ == '__main__':
    main()
