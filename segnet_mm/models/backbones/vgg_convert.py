"""torchvision VGG-BN checkpoints -> :class:`SegNetEncoder` weights.

torchvision's ``vgg16_bn().features`` is one ``nn.Sequential``: per conv a
``Conv2d``, ``BatchNorm2d`` and ``ReLU`` (3 indices), and a ``MaxPool2d``
(1 index) after each stage. SegNetEncoder nests the same layers as
``stages.{stage}.{conv}.conv`` / ``.bn`` (ReLU and pooling hold no weights).
"""
from collections import OrderedDict
from typing import Dict, Mapping, Sequence

from torch import Tensor

CONV_KEYS = ('weight', 'bias')
BN_KEYS = ('weight', 'bias', 'running_mean', 'running_var')
# Saved by torch >= 0.4.1 only; older torchvision files lack it.
OPTIONAL_BN_KEYS = ('num_batches_tracked', )
# VGG's fully connected head, which SegNet drops.
CLASSIFIER_PREFIX = 'classifier.'


def vgg_bn_key_map(num_convs: Sequence[int] = (2, 2, 3, 3, 3)
                   ) -> Dict[str, str]:
    """torchvision ``features.{i}`` module names -> SegNetEncoder names.

    Args:
        num_convs (Sequence[int]): Convs per stage, as in SegNetEncoder.
            Default: VGG16's (2, 2, 3, 3, 3).

    Returns:
        dict[str, str]: e.g. ``'features.4' -> 'stages.0.1.bn'``.
    """
    names = {}
    index = 0
    for stage, n in enumerate(num_convs):
        for conv in range(n):
            names[f'features.{index}'] = f'stages.{stage}.{conv}.conv'
            names[f'features.{index + 1}'] = f'stages.{stage}.{conv}.bn'
            index += 3  # conv, bn, relu
        index += 1  # max-pool
    return names


def convert_vgg_bn(state_dict: Mapping[str, Tensor],
                   num_convs: Sequence[int] = (2, 2, 3, 3, 3)
                   ) -> 'OrderedDict[str, Tensor]':
    """Rename a torchvision ``vgg*_bn`` state dict for SegNetEncoder.

    Conv weights and biases and BN affine parameters and running statistics
    are kept; the ``classifier.*`` (fully connected) weights are dropped.

    Args:
        state_dict (Mapping[str, Tensor]): torchvision's state dict.
        num_convs (Sequence[int]): Convs per stage. Default: VGG16's.

    Returns:
        OrderedDict[str, Tensor]: Keys such as ``stages.0.0.conv.weight``,
        ``stages.0.0.bn.running_mean``, in encoder order.

    Raises:
        ValueError: naming the keys that are missing (e.g. a VGG without BN)
            or left over (e.g. another depth than ``num_convs``).
    """
    converted = OrderedDict()
    used, missing = set(), []
    for src, dst in vgg_bn_key_map(num_convs).items():
        required = BN_KEYS if dst.endswith('.bn') else CONV_KEYS
        optional = OPTIONAL_BN_KEYS if dst.endswith('.bn') else ()
        for key in required + optional:
            if f'{src}.{key}' in state_dict:
                converted[f'{dst}.{key}'] = state_dict[f'{src}.{key}']
                used.add(f'{src}.{key}')
            elif key in required:
                missing.append(f'{src}.{key}')
    if missing:
        raise ValueError(f'not a torchvision VGG-BN state dict with '
                         f'num_convs={tuple(num_convs)}: missing {missing}')
    left = sorted(k for k in state_dict
                  if k not in used and not k.startswith(CLASSIFIER_PREFIX))
    if left:
        raise ValueError(f'keys {left} have no place in a SegNetEncoder with '
                         f'num_convs={tuple(num_convs)}')
    return converted
