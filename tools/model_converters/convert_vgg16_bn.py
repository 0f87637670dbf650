"""Convert torchvision's VGG16-BN ImageNet weights for SegNetEncoder:
``python tools/model_converters/convert_vgg16_bn.py SRC DST``.

SRC is a ``vgg16_bn`` state dict (e.g. ``vgg16_bn-6c64b313.pth``); DST can
then initialise the encoder: ``model.backbone.init_cfg =
dict(type='Pretrained', checkpoint=DST)``.
"""
import argparse

import torch

from segnet_mm.models.backbones.vgg_convert import convert_vgg_bn


def parse_args():
    parser = argparse.ArgumentParser(
        description='torchvision vgg16_bn -> SegNetEncoder checkpoint')
    parser.add_argument('src', help='torchvision vgg16_bn state dict')
    parser.add_argument('dst', help='output checkpoint')
    return parser.parse_args()


def main():
    args = parse_args()
    source = torch.load(args.src, map_location='cpu', weights_only=True)
    state_dict = convert_vgg_bn(source)
    torch.save(dict(state_dict=state_dict), args.dst)
    dropped = len(source) - len(state_dict)
    print(f'wrote {len(state_dict)} tensors to {args.dst} '
          f'({dropped} classifier tensors dropped)')


if __name__ == '__main__':
    main()
