from .segnet import SegNetEncoder
from .vgg_convert import convert_vgg_bn, vgg_bn_key_map

__all__ = ['SegNetEncoder', 'convert_vgg_bn', 'vgg_bn_key_map']
