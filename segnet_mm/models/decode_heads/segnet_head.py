from typing import Sequence

import torch.nn as nn
from torch import Tensor

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS
from ..utils import (UNPOOL_METHODS, PoolOutput, check_stage_args, conv_stack,
                     max_unpool2x2)


@MODELS.register_module()
class SegNetHead(BaseDecodeHead):
    """Mirrored decoder of `SegNet <https://arxiv.org/abs/1511.00561>`_.

    From the deepest stage up, each decoder stage max-unpools its input with
    the encoder's pooling indices (no learned upsampling, no skip features)
    to the size before pooling, then applies ``num_convs[i]`` conv + norm +
    act blocks; the last block of stage i narrows to ``in_channels[i - 1]``
    (to ``channels`` for stage 0). ``cls_seg`` gives the K-class logits.
    SegNet's Caffe decoder is ``num_convs=(1, 2, 3, 3, 3)`` with its last
    conv as the classifier.

    Call flow: ``_transform_inputs`` selects the encoder's ``PoolOutput``
    per stage -> ``_forward_feature`` unpools and convolves -> ``cls_seg``.

    Args:
        num_convs (Sequence[int]): Conv blocks per decoder stage, indexed like
            the encoder stages. Default: (1, 2, 3, 3, 3).
        kernel_size (int): Conv kernel size. Default: 3.
        conv_bias (bool): Give convs a bias before the norm. Default: True.
        dropout_stages (Sequence[int]): Decoder stages followed by dropout
            (Bayesian SegNet: (2, 3, 4)). Default: ().
        stage_dropout_ratio (float): Their dropout probability; named apart
            from ``BaseDecodeHead``'s ``dropout_ratio``, the dropout before
            ``conv_seg``, which SegNet leaves at 0. Default: 0.5.
        unpool (str): How window codes unpool: 'auto', 'where' or
            'upsample' (see :func:`~segnet_mm.models.utils.max_unpool2x2`'s
            ``method``; same values). Default: 'auto'.
        **kwargs: ``BaseDecodeHead``'s arguments (``in_channels`` per encoder
            stage, ``channels``, ``num_classes``, ``in_index``, ``norm_cfg``,
            ``act_cfg``, ``loss_decode``, ``ignore_index`` ...).
            ``input_transform`` can only be 'multiple_select'.
    """

    def __init__(self,
                 num_convs: Sequence[int] = (1, 2, 3, 3, 3),
                 kernel_size: int = 3,
                 conv_bias: bool = True,
                 dropout_stages: Sequence[int] = (),
                 stage_dropout_ratio: float = 0.5,
                 unpool: str = 'auto',
                 **kwargs):
        transform = kwargs.setdefault('input_transform', 'multiple_select')
        if transform != 'multiple_select':
            raise ValueError("SegNetHead needs input_transform="
                             f"'multiple_select', got {transform!r}")
        if unpool not in UNPOOL_METHODS:
            raise ValueError(f'unpool must be one of {UNPOOL_METHODS}, got '
                             f'{unpool!r}')
        super().__init__(**kwargs)
        self.unpool = unpool
        check_stage_args(num_convs, self.in_channels, dropout_stages)
        widths = (self.channels, *self.in_channels[:-1])
        decoder = []
        for i, n in enumerate(num_convs):
            c = self.in_channels[i]
            decoder.append(
                nn.Sequential(
                    conv_stack(c, [c] * (n - 1) + [widths[i]], kernel_size,
                               conv_bias, self.conv_cfg, self.norm_cfg,
                               self.act_cfg),
                    nn.Dropout(stage_dropout_ratio)
                    if i in dropout_stages else nn.Identity()))
        # Deepest first: the order the decoder runs in.
        self.decoder = nn.ModuleList(decoder[::-1])

    def _forward_feature(self, inputs: Sequence[PoolOutput]) -> Tensor:
        """Unpool and convolve from the deepest stage to the first.

        Returns:
            Tensor: Decoded features, (N, channels, H, W).
        """
        pools = self._transform_inputs(inputs)
        x = pools[-1].feat
        for pool, stage in zip(reversed(pools), self.decoder):
            x = stage(
                max_unpool2x2(x, pool.indices, pool.size, self.unpool))
        return x

    def forward(self, inputs: Sequence[PoolOutput]) -> Tensor:
        """Return logits (N, num_classes, H, W) at the input's size."""
        return self.cls_seg(self._forward_feature(inputs))
