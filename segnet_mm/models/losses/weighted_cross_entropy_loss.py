from typing import Optional

import torch
from torch import Tensor

from mmseg.models.losses import CrossEntropyLoss
from mmseg.models.losses.cross_entropy_loss import cross_entropy
from mmseg.registry import MODELS


def weighted_cross_entropy(pred: Tensor,
                           label: Tensor,
                           weight: Optional[Tensor] = None,
                           class_weight: Optional[Tensor] = None,
                           reduction: str = 'mean',
                           avg_factor: Optional[float] = None,
                           ignore_index: int = -100,
                           avg_non_ignore: bool = False) -> Tensor:
    """mmseg's ``cross_entropy`` with a class-weighted mean that skips
    ``ignore_index`` pixels.

    With ``class_weight`` mmseg 1.2.2 averages by the summed weight of every
    label, looking up ``class_weight[255]`` for ignored pixels and raising
    IndexError (open-mmlab/mmsegmentation#3734). Here the average factor is
    the summed class weight of the labelled pixels: PyTorch's weighted mean.
    """
    if class_weight is not None and avg_factor is None \
            and reduction == 'mean':
        labelled = label[label != ignore_index]
        avg_factor = class_weight[labelled].sum() if labelled.numel() \
            else torch.ones((), device=pred.device)
    return cross_entropy(pred, label, weight, class_weight, reduction,
                         avg_factor, ignore_index, avg_non_ignore)


@MODELS.register_module()
class WeightedCrossEntropyLoss(CrossEntropyLoss):
    """Softmax cross-entropy with class weights and an ignore index.

    mmseg's ``CrossEntropyLoss`` (same arguments), whose class-weighted mean
    works when labels hold ``ignore_index``; see
    :func:`weighted_cross_entropy`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.use_sigmoid or self.use_mask:
            raise ValueError('WeightedCrossEntropyLoss is the softmax loss: '
                             'use_sigmoid and use_mask must be False')
        self.cls_criterion = weighted_cross_entropy
