from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from mmseg.registry import MODELS
from ..utils import (CODE_METHODS, PoolOutput, check_stage_args, conv_stack,
                     max_pool2x2)


@MODELS.register_module()
class SegNetEncoder(BaseModule):
    """VGG-BN encoder of `SegNet <https://arxiv.org/abs/1511.00561>`_ that
    keeps its max-pooling indices.

    Each stage is ``num_convs[i]`` conv + norm + act blocks of
    ``channels[i]`` filters followed by a 2x2 stride-2 max-pool whose argmax
    is returned with the pooled features, for the decoder to unpool with.
    The defaults are VGG16-BN's 13 convolutions (14.7M parameters).
    SegNet-Basic is ``num_convs=(1, 1, 1, 1), channels=(64,) * 4,
    kernel_size=7, conv_bias=False``.

    Args:
        in_channels (int): Input image channels. Default: 3.
        num_convs (Sequence[int]): Conv blocks per stage.
            Default: (2, 2, 3, 3, 3).
        channels (Sequence[int]): Filters per stage.
            Default: (64, 128, 256, 512, 512).
        kernel_size (int): Conv kernel size. Default: 3.
        conv_bias (bool): Give convs a bias even before a norm layer, as
            VGG16-BN and SegNet's Caffe model do. Default: True.
        out_indices (Sequence[int]): Stages to return. Default: all.
        with_indices (bool): Return :class:`PoolOutput` per stage; False
            returns the pooled features alone, for stock mmseg heads.
            Default: True.
        compact_indices (bool | str): Keep argmax positions as uint8
            2x2-window codes (1 byte per window) rather than int64 flat
            indices (8 bytes). 'auto' uses the codes except in a training
            step with gradients (where ``max_unpool2d`` on int64 indices
            is used, docs/benchmark.md), and always under
            ``torch.use_deterministic_algorithms`` (where ``max_unpool2d``
            raises) or tracing (ONNX export). Default: 'auto'.
        window_codes (str): How the codes are found, 'compare' or 'flat'
            (see :func:`~segnet_mm.models.utils.max_pool2x2`'s ``codes``;
            same codes, 'compare' exports to cheaper ops). Default:
            'compare'.
        dropout_stages (Sequence[int]): Stages followed by dropout (Bayesian
            SegNet uses the central ones, (2, 3, 4)). Default: ().
        stage_dropout_ratio (float): Their dropout probability (the head's
            argument of the same name sets the decoder's). Default: 0.5.
        input_lrn (dict, optional): Arguments of a cross-channel
            ``nn.LocalResponseNorm`` applied to the input before the first
            conv, as SegNet-Basic's Caffe model does to raw pixels
            (``dict(size=5, alpha=1e-4, beta=0.75)``). Default: None.
        conv_cfg (dict, optional): Conv layer config. Default: None.
        norm_cfg (dict, optional): Norm layer config. Default: dict(type='BN').
        act_cfg (dict, optional): Activation config.
            Default: dict(type='ReLU').
        init_cfg (dict | list[dict], optional): Initialisation config, e.g.
            ``dict(type='Pretrained', checkpoint=...)``. Default: None
            (``ConvModule``'s Kaiming init).
    """

    def __init__(self,
                 in_channels: int = 3,
                 num_convs: Sequence[int] = (2, 2, 3, 3, 3),
                 channels: Sequence[int] = (64, 128, 256, 512, 512),
                 kernel_size: int = 3,
                 conv_bias: bool = True,
                 out_indices: Optional[Sequence[int]] = None,
                 with_indices: bool = True,
                 compact_indices: Union[bool, str] = 'auto',
                 window_codes: str = 'compare',
                 dropout_stages: Sequence[int] = (),
                 stage_dropout_ratio: float = 0.5,
                 input_lrn: Optional[dict] = None,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = dict(type='BN'),
                 act_cfg: Optional[dict] = dict(type='ReLU'),
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        super().__init__(init_cfg=init_cfg)
        check_stage_args(num_convs, channels, dropout_stages)
        num_stages = len(num_convs)
        self.out_indices = tuple(
            range(num_stages) if out_indices is None else out_indices)
        if not self.out_indices or any(not 0 <= i < num_stages
                                       for i in self.out_indices):
            raise ValueError(f'out_indices {self.out_indices} must be a '
                             f'non-empty subset of 0..{num_stages - 1}')
        if compact_indices not in (True, False, 'auto'):
            raise ValueError(f"compact_indices must be True, False or 'auto', "
                             f'got {compact_indices!r}')
        if window_codes not in CODE_METHODS:
            raise ValueError(f'window_codes must be one of {CODE_METHODS}, '
                             f'got {window_codes!r}')
        self.with_indices = with_indices
        self.window_codes = window_codes
        self.compact_indices = compact_indices
        self.input_norm = nn.Identity() if input_lrn is None else \
            nn.LocalResponseNorm(**input_lrn)
        self.stages = nn.ModuleList()
        self.dropouts = nn.ModuleList()
        for i, (n, c) in enumerate(zip(num_convs, channels)):
            self.stages.append(
                conv_stack(in_channels, [c] * n, kernel_size, conv_bias,
                           conv_cfg, norm_cfg, act_cfg))
            self.dropouts.append(
                nn.Dropout(stage_dropout_ratio) if i in dropout_stages else nn.
                Identity())
            in_channels = c

    def uses_compact_indices(self) -> bool:
        """Whether this forward keeps window codes (see
        ``compact_indices``)."""
        if self.compact_indices != 'auto':
            return self.compact_indices
        plain_is_faster = self.training and torch.is_grad_enabled()
        plain_can_run = not (torch.are_deterministic_algorithms_enabled()
                             or torch.jit.is_tracing())
        return not (plain_is_faster and plain_can_run)

    def forward(self, x: Tensor) -> Tuple[Union[PoolOutput, Tensor], ...]:
        """Encode (N, C, H, W) images.

        Returns:
            tuple: Per stage in ``out_indices``, a :class:`PoolOutput`
            (features (N, C_i, H_i // 2, W_i // 2), argmax, (H_i, W_i)), or
            the features alone when ``with_indices`` is False.
        """
        min_side = 2**len(self.stages)
        if min(x.shape[-2:]) < min_side:
            raise ValueError(f'SegNetEncoder with {len(self.stages)} pooling '
                             f'stages needs inputs of at least {min_side}px '
                             f'per side, got {tuple(x.shape[-2:])}')
        compact = self.uses_compact_indices()
        x = self.input_norm(x)
        outs = []
        for i, (stage, dropout) in enumerate(zip(self.stages, self.dropouts)):
            pooled = max_pool2x2(stage(x), compact, self.window_codes)
            x = dropout(pooled.feat)
            if i in self.out_indices:
                outs.append(pooled._replace(feat=x) if self.
                            with_indices else x)
        return tuple(outs)
