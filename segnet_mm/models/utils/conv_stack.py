"""Building blocks shared by SegNet's encoder and decoder."""
from typing import Optional, Sequence

import torch.nn as nn
from mmcv.cnn import ConvModule


def check_stage_args(num_convs: Sequence[int], channels: Sequence[int],
                     dropout_stages: Sequence[int]) -> None:
    """Validate the per-stage arguments shared by encoder and decoder."""
    if len(num_convs) != len(channels):
        raise ValueError(f'num_convs {tuple(num_convs)} and channels '
                         f'{tuple(channels)} must have the same length')
    if any(n < 1 for n in num_convs):
        raise ValueError(f'every stage needs >= 1 conv, got num_convs '
                         f'{tuple(num_convs)}')
    bad = [i for i in dropout_stages if not 0 <= i < len(num_convs)]
    if bad:
        raise ValueError(f'dropout_stages {tuple(dropout_stages)} has '
                         f'indices outside 0..{len(num_convs) - 1}: {bad}')


def conv_stack(in_channels: int, out_channels: Sequence[int],
               kernel_size: int, conv_bias: bool, conv_cfg: Optional[dict],
               norm_cfg: Optional[dict],
               act_cfg: Optional[dict]) -> nn.Sequential:
    """``len(out_channels)`` conv + norm + act blocks, 'same' padding."""
    layers = []
    for out in out_channels:
        layers.append(
            ConvModule(
                in_channels,
                out,
                kernel_size,
                padding=kernel_size // 2,
                bias=conv_bias,
                conv_cfg=conv_cfg,
                norm_cfg=norm_cfg,
                act_cfg=act_cfg))
        in_channels = out
    return nn.Sequential(*layers)
