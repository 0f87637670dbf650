from functools import partial
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
                           avg_non_ignore: bool = False,
                           normalize: str = 'weight_sum') -> Tensor:
    """mmseg's ``cross_entropy`` with a class-weighted mean that skips
    ``ignore_index`` pixels.

    With ``class_weight`` mmseg 1.2.2 averages by the summed weight of every
    label, looking up ``class_weight[255]`` for ignored pixels and raising
    IndexError (open-mmlab/mmsegmentation#3734). Here the class-weighted sum
    of ``-log p`` is divided by ``normalize``:

    - ``'weight_sum'``: the summed class weight of the labelled pixels
      (PyTorch's weighted mean);
    - ``'labelled_pixels'``: the number of labelled pixels (Caffe's
      ``SoftmaxWithLoss`` with ``normalize: true``, which SegNet's authors
      trained with), so the loss's scale follows the batch's class mix.

    A batch with no labelled pixel has loss 0.
    """
    if class_weight is not None and avg_factor is None \
            and reduction == 'mean':
        labelled = label[label != ignore_index]
        if not labelled.numel():
            avg_factor = torch.ones((), device=pred.device)
        elif normalize == 'labelled_pixels':
            avg_factor = torch.tensor(
                float(labelled.numel()), device=pred.device)
        else:
            avg_factor = class_weight[labelled].sum()
    return cross_entropy(pred, label, weight, class_weight, reduction,
                         avg_factor, ignore_index, avg_non_ignore)


@MODELS.register_module()
class WeightedCrossEntropyLoss(CrossEntropyLoss):
    """Softmax cross-entropy with class weights and an ignore index.

    mmseg's ``CrossEntropyLoss``, whose class-weighted mean works when
    labels hold ``ignore_index``; see :func:`weighted_cross_entropy`.

    Args:
        ignore_index (int): Label ignored when the caller passes none
            (``BaseDecodeHead`` passes its own; mmseg's ``DDRHead`` and
            ``PIDHead`` pass none). Default: 255.
        normalize (str): What the class-weighted sum is divided by, with
            ``class_weight``: ``'weight_sum'``, the summed class weight of
            the labelled pixels (PyTorch's weighted mean), or
            ``'labelled_pixels'``, their number (Caffe's, SegNet's
            authors'). Default: 'weight_sum'.
        **kwargs: ``CrossEntropyLoss``'s arguments (``class_weight``,
            ``loss_weight``, ``avg_non_ignore``, ``loss_name`` ...).
    """

    NORMALIZERS = ('weight_sum', 'labelled_pixels')

    def __init__(self,
                 ignore_index: int = 255,
                 normalize: str = 'weight_sum',
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if self.use_sigmoid or self.use_mask:
            raise ValueError('WeightedCrossEntropyLoss is the softmax loss: '
                             'use_sigmoid and use_mask must be False')
        if normalize not in self.NORMALIZERS:
            raise ValueError(f'normalize must be one of {self.NORMALIZERS}, '
                             f'got {normalize!r}')
        self.cls_criterion = partial(
            weighted_cross_entropy, normalize=normalize)
        self.ignore_index = ignore_index

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        """``CrossEntropyLoss.forward`` with ``self.ignore_index`` where
        ``ignore_index`` is not given."""
        if ignore_index is None:
            ignore_index = self.ignore_index
        return super().forward(cls_score, label, weight, avg_factor,
                               reduction_override, ignore_index=ignore_index,
                               **kwargs)
